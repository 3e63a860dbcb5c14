"""API token authentication: django-rest-knox without its per-request sweep.

knox's ``TokenAuthentication._cleanup_token`` reads every token of the user on every
request to delete the expired ones: one more query per API call, growing with the user's
sign-ins. Here a request checks only the expiry of the token it presents (an expired one
is refused with 401 and deleted); the others are deleted by the periodic
``accounts.tasks.purge_expired_tokens`` (``expired_tokens_purge`` below).
"""

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.models import get_token_model
from knox.signals import token_expired


class ExpiringTokenAuthentication(TokenAuthentication):
    def _cleanup_token(self, auth_token) -> bool:
        """True (skip it) when the presented token has expired; it is deleted on the way."""
        if auth_token.expiry is None or auth_token.expiry >= timezone.now():
            return False
        username = auth_token.user.get_username()
        auth_token.delete()
        token_expired.send(sender=self.__class__, username=username, source="auth_token")
        return True


class ExpiringTokenScheme(KnoxTokenScheme):
    """The same security scheme in the OpenAPI schema as knox's own class."""

    target_class = "dpa_funding.api.authentication.ExpiringTokenAuthentication"


def expired_tokens_purge() -> int:
    """Delete every API token past its expiry; returns how many. Safe to run any time and
    from several workers at once (an expired token is refused anyway)."""
    deleted, _ = get_token_model().objects.filter(expiry__lt=timezone.now()).delete()
    return deleted
