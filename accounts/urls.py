"""HTML pages for accounts (login and logout are Django's views in dpa_funding/urls.py)."""

from django.urls import path

from . import signin_views, views

app_name = "accounts"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("security/", signin_views.security, name="security"),
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("organizations/<int:pk>/members/add/", views.member_add, name="member_add"),
]
