"""HTML pages of the reviews app (included at /reviews/)."""

from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("assignments/<int:pk>/", views.assignment, name="assignment"),
    path("assignments/<int:pk>/coi/", views.coi, name="coi"),
    path("assignments/<int:pk>/decline/", views.decline, name="decline"),
    path("assignments/<int:pk>/reviews/", views.read, name="read"),
    path("applications/<int:pk>/assignments/", views.application_assignments, name="application_assignments"),
    path("opportunities/<int:pk>/assign/", views.opportunity_assign, name="opportunity_assign"),
    path("opportunities/<int:pk>/ranking/", views.ranking, name="ranking"),
]
