"""HTML pages of post-award management (included at the site root, under /post-award/)."""

from django.urls import path

from . import views

app_name = "postaward"
urlpatterns = [
    path("post-award/due/", views.due_list, name="due"),
    path("post-award/portfolio/", views.portfolio, name="portfolio"),
    path("post-award/awards/<int:pk>/", views.award_post_award, name="award"),
    path("post-award/awards/<int:pk>/milestones/", views.milestone_create, name="milestone_create"),
    path("post-award/awards/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("post-award/awards/<int:pk>/modifications/", views.modification_propose, name="modification_propose"),
    path("post-award/awards/<int:pk>/transitions/<str:name>/", views.award_transition, name="award_transition"),
    path("post-award/milestones/<int:pk>/transitions/<str:name>/", views.milestone_transition,
         name="milestone_transition"),
    path("post-award/reports/<int:pk>/", views.report_detail, name="report"),
    path("post-award/reports/<int:pk>/transitions/<str:name>/", views.report_transition, name="report_transition"),
    path("post-award/modifications/<int:pk>/transitions/<str:name>/", views.modification_transition,
         name="modification_transition"),
]
