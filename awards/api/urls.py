"""REST API v1 routes of the awards app."""

urlpatterns: list = []
