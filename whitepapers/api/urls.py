"""REST API v1 routes for white papers."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("white-papers", views.WhitePaperViewSet, basename="api-white-paper")

urlpatterns = [
    path("white-paper-documents/<int:pk>/download/", views.WhitePaperDocumentDownloadView.as_view(),
         name="api-white-paper-document-download"),
    *router.urls,
]
