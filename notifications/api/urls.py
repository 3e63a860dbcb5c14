"""REST API v1 routes of the notifications app."""

from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.NotificationList.as_view(), name="api-notification-list"),
    path("notifications/read-all/", views.NotificationReadAll.as_view(), name="api-notification-read-all"),
    path("notifications/preferences/", views.NotificationPreferences.as_view(),
         name="api-notification-preferences"),
    path("notifications/<int:pk>/read/", views.NotificationRead.as_view(), name="api-notification-read"),
]
