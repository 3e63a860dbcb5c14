"""REST API v1 routes for accounts."""

urlpatterns: list = []
