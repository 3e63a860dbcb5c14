"""REST API v1 routes for applications."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("minerals", views.MineralViewSet, basename="api-mineral")
router.register("projects", views.ProjectViewSet, basename="api-project")
router.register("opportunities", views.OpportunityViewSet, basename="api-opportunity")
router.register("applications", views.ApplicationViewSet, basename="api-application")

urlpatterns = [
    path("documents/<int:pk>/download/", views.DocumentDownloadView.as_view(), name="api-document-download"),
    *router.urls,
]
