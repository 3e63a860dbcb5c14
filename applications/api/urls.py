"""REST API v1 routes for applications."""

urlpatterns: list = []
