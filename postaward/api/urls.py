"""REST API v1 routes of post-award management (included under /api/v1/)."""

from django.urls import path

from . import views

app_name = "postaward-api"
urlpatterns = [
    path("awards/<int:pk>/documents/", views.AwardDocumentsView.as_view(), name="award-documents"),
    path("award-documents/<int:pk>/download/", views.AwardDocumentDownloadView.as_view(),
         name="award-document-download"),
    path("awards/<int:pk>/milestones/", views.AwardMilestonesView.as_view(), name="award-milestones"),
    path("milestones/<int:pk>/", views.MilestoneDetailView.as_view(), name="milestone"),
    path("milestones/<int:pk>/transitions/<str:name>/", views.MilestoneTransitionView.as_view(),
         name="milestone-transition"),
    path("awards/<int:pk>/reports/", views.AwardReportsView.as_view(), name="award-reports"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report"),
    path("reports/<int:pk>/transitions/<str:name>/", views.ReportTransitionView.as_view(),
         name="report-transition"),
    path("awards/<int:pk>/modifications/", views.AwardModificationsView.as_view(), name="award-modifications"),
    path("modifications/<int:pk>/", views.ModificationDetailView.as_view(), name="modification"),
    path("modifications/<int:pk>/letter/", views.ModificationLetterView.as_view(), name="modification-letter"),
    path("modifications/<int:pk>/transitions/<str:name>/", views.ModificationTransitionView.as_view(),
         name="modification-transition"),
    path("due-items/", views.DueItemsView.as_view(), name="due-items"),
    path("portfolio/", views.PortfolioView.as_view(), name="portfolio"),
]
