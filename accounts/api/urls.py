"""REST API v1 routes for accounts."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("organizations", views.OrganizationViewSet, basename="api-organization")
router.register("invitations", views.InvitationViewSet, basename="api-invitation")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("auth/logout/", views.LogoutView.as_view(), name="api-logout"),
    path("auth/register/", views.RegisterView.as_view(), name="api-register"),
    path("auth/me/", views.MeView.as_view(), name="api-me"),
    *router.urls,
]
