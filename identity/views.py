"""The two ends of the login.gov redirect, present only when OIDC is configured."""

from django.contrib import messages
from django.http import Http404
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .backends import oidc_enabled


class _OnlyWhenConfigured:
    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404("Sign-in with login.gov is not configured.")
        return super().dispatch(request, *args, **kwargs)


class LoginGovAuthenticateView(_OnlyWhenConfigured, OIDCAuthenticationRequestView):
    """Redirects to login.gov with state, nonce and a PKCE S256 challenge."""


class LoginGovCallbackView(_OnlyWhenConfigured, OIDCAuthenticationCallbackView):
    def login_failure(self):
        messages.error(self.request, "Sign-in with login.gov did not complete. Use an account whose "
                                     "email login.gov has verified, or sign in with your password.")
        return super().login_failure()
