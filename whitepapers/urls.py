"""HTML pages for white papers (two-step solicitations)."""

from django.urls import path

from . import views

app_name = "whitepapers"
urlpatterns = [
    path("", views.white_paper_list, name="list"),
    path("new/", views.white_paper_create, name="create"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("<int:pk>/", views.white_paper_detail, name="detail"),
    path("<int:pk>/edit/", views.white_paper_edit, name="edit"),
    path("<int:pk>/document/", views.document_upload, name="document_upload"),
    path("<int:pk>/actions/<slug:name>/", views.white_paper_transition, name="transition"),
]
