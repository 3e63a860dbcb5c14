"""REST API v1 routes for SAM exclusion checks (under the organization, as api.md lists them)."""

from django.urls import path

from . import views

urlpatterns = [
    path("organizations/<int:pk>/exclusion-check/", views.ExclusionCheckView.as_view(),
         name="api-exclusion-check"),
    path("organizations/<int:pk>/exclusion-check/clear/", views.ExclusionClearView.as_view(),
         name="api-exclusion-clear"),
]
