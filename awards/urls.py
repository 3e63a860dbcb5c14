"""HTML pages of the awards app (included at /awards/)."""

from django.urls import path

from . import views

app_name = "awards"
urlpatterns = [
    path("", views.award_list, name="list"),
    path("<int:pk>/", views.award_detail, name="detail"),
    path("<int:pk>/letter/", views.award_letter, name="letter"),
    path("<int:pk>/letter/status/", views.award_letter_status, name="letter_status"),
    path("<int:pk>/schedule.csv", views.award_schedule_csv, name="schedule_csv"),
    # Every award transition posts to actions/<name>/; the three named paths stay for links.
    path("<int:pk>/actions/<slug:name>/", views.award_transition, name="transition"),
    path("<int:pk>/accept/", views.award_accept, name="accept"),
    path("<int:pk>/decline/", views.award_transition, {"name": "decline_award"}, name="decline"),
    path("<int:pk>/rescind/", views.award_transition, {"name": "rescind"}, name="rescind"),
    path("<int:pk>/regenerate-letter/", views.award_regenerate_letter, name="regenerate_letter"),
    path("applications/<int:pk>/terms/", views.terms, name="terms"),
    path("applications/<int:pk>/issue/", views.issue, name="issue"),
    path("opportunities/<int:pk>/funds/", views.funds, name="funds"),
]
