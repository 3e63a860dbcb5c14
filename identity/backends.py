"""login.gov (any OpenID Connect provider) as an authentication backend.

mozilla-django-oidc runs the authorization-code flow with PKCE and a nonce, and checks the
ID token's signature against the provider's JWKS. On top of it this backend:

- checks the ID token's issuer, audience and expiry (the library checks only signature
  and nonce);
- signs in the account already linked to the provider's ``sub``; otherwise links the one
  account whose email matches a VERIFIED email (``email_verified`` true), or creates an
  applicant when no account has it. An unverified email is refused outright: linking or
  creating on it would let anyone who types an address take the account that owns it.
"""

import logging
import time

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import services
from .models import ExternalIdentity

log = logging.getLogger(__name__)
User = get_user_model()
CLOCK_SKEW_SECONDS = 120


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_ENABLED", False))


class LoginGovBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if not oidc_enabled():
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation) as exc:
            # A refused code exchange (wrong PKCE verifier, reused code), an unreachable
            # provider or a token that fails validation: no one signs in.
            log.warning("OIDC sign-in failed: %s", exc)
            return None

    # ---- token exchange and validation

    def get_token(self, payload):
        # A PKCE (public) client has no secret: send none rather than an empty one.
        if not payload.get("client_secret"):
            payload.pop("client_secret", None)
        return super().get_token(payload)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" not in kwargs:  # a signed userinfo response, not the ID token
            return payload
        now = time.time()
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("ID token issuer does not match OIDC_OP_ISSUER.")
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token audience is not this client.")
        if float(payload.get("exp", 0)) < now - CLOCK_SKEW_SECONDS:
            raise SuspiciousOperation("ID token has expired.")
        if not payload.get("sub"):
            raise SuspiciousOperation("ID token has no subject.")
        self._id_claims = payload
        return payload

    # ---- who signs in

    def _issuer(self) -> str:
        return settings.OIDC_OP_ISSUER or settings.OIDC_OP_AUTHORIZATION_ENDPOINT

    def verify_claims(self, claims):
        subject = claims.get("sub")
        id_subject = getattr(self, "_id_claims", {}).get("sub")
        if not subject or subject != id_subject:
            log.warning("OIDC sign-in refused: userinfo subject does not match the ID token")
            return False
        if not claims.get("email"):
            log.warning("OIDC sign-in refused: no email claim")
            return False
        if claims.get("email_verified") is not True:
            log.warning("OIDC sign-in refused: email not verified by the provider")
            return False
        return True

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            return None
        issuer, subject, email = self._issuer(), claims["sub"], claims["email"]

        identity = ExternalIdentity.objects.select_related("user").filter(
            issuer=issuer, subject=subject).first()
        if identity is None:
            matches = list(User.objects.filter(email__iexact=email)[:2])
            if len(matches) > 1:
                log.warning("OIDC sign-in refused: several accounts share the verified email")
                return None
            if matches:
                user = matches[0]
                if ExternalIdentity.objects.filter(issuer=issuer, user=user).exists():
                    log.warning("OIDC sign-in refused: the account is linked to another identity")
                    return None
                identity = services.identity_link(user=user, issuer=issuer, subject=subject, email=email)
            else:
                identity = services.applicant_create_from_identity(
                    issuer=issuer, subject=subject, email=email,
                    first_name=claims.get("given_name", ""), last_name=claims.get("family_name", ""))
        if not identity.user.is_active:
            return None
        services.identity_signed_in(identity)
        return identity.user
