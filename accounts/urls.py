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
    path("organizations/<int:pk>/members/<int:user_id>/remove/", views.member_remove, name="member_remove"),
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/<int:pk>/<str:answer>/", views.invitation_respond, name="invitation_respond"),
]
