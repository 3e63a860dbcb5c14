from django.urls import path

from .views import OpportunityDashboardView

urlpatterns = [
    path("opportunities/<int:pk>/dashboard/", OpportunityDashboardView.as_view(), name="api-opportunity-dashboard"),
]
