"""HTML pages: the opportunity dashboard, its exports, and search."""

from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("opportunities/<int:pk>/", views.opportunity_dashboard_page, name="opportunity"),
    path("opportunities/<int:pk>/applications.csv", views.applications_export, name="applications_csv"),
    path("opportunities/<int:pk>/awards.csv", views.awards_export, name="awards_csv"),
]
