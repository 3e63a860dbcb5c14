"""REST API v1 routes of the reviews app (included under /api/v1/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("review-assignments", views.ReviewAssignmentViewSet, basename="api-review-assignment")

urlpatterns = [
    path("applications/<int:pk>/reviews/", views.ApplicationReviewsView.as_view(), name="api-application-reviews"),
    path("opportunities/<int:pk>/ranking/", views.OpportunityRankingView.as_view(), name="api-opportunity-ranking"),
    path("opportunities/<int:pk>/auto-assign/", views.OpportunityAutoAssignView.as_view(),
         name="api-opportunity-auto-assign"),
    *router.urls,
]
