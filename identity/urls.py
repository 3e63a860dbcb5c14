from django.urls import path

from .views import LoginGovAuthenticateView, LoginGovCallbackView

urlpatterns = [
    path("authenticate/", LoginGovAuthenticateView.as_view(), name="oidc_authentication_init"),
    path("callback/", LoginGovCallbackView.as_view(), name="oidc_authentication_callback"),
]
