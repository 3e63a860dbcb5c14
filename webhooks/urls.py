"""HTML pages of the webhooks app."""

from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("", views.delivery_log, name="log"),
    path("deliveries/<int:pk>/redeliver/", views.redeliver, name="redeliver"),
]
