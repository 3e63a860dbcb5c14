from django.urls import path

from . import views

app_name = "exclusions"
urlpatterns = [
    path("organizations/<int:pk>/clear/", views.clear, name="clear"),
]
