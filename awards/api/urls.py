"""REST API v1 routes of the awards app (included under /api/v1/)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("awards", views.AwardViewSet, basename="award")

app_name = "awards-api"
urlpatterns = [
    path("applications/<int:pk>/terms/", views.TermsView.as_view(), name="terms"),
    path("opportunities/<int:pk>/funds/", views.FundsView.as_view(), name="funds"),
    path("", include(router.urls)),
]
