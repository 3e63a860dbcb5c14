"""REST API v1 routes of the reviews app."""

urlpatterns: list = []
