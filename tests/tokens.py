"""API tokens and second-factor codes for tests.

Tokens are django-rest-knox tokens made directly (the response shape of /auth/token/ is
covered by tests/accounts); staff signing in through the real endpoint need a TOTP code,
which ``totp_code`` computes from an enrolled secret exactly as an authenticator app does.
"""

import base64

from django_otp.oath import totp
from knox.models import AuthToken

# A fixed RFC 6238 secret for tests that enrol staff through create_user --totp-secret.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def token_for(user) -> str:
    """A new knox token for ``user`` (the key a client sends as ``Token <key>``)."""
    return AuthToken.objects.create(user)[1]


def totp_code(secret_base32: str = TEST_TOTP_SECRET, *, drift: int = 0) -> str:
    """The code an authenticator app shows now (``drift`` steps of 30 s later or earlier)."""
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8))
    return f"{totp(key, step=30, t0=0, digits=6, drift=drift):06d}"
