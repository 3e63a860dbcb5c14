"""Second factor (django-otp): TOTP (RFC 6238: 30-second steps, 6 digits, SHA-1) with
single-use recovery codes.

Staff (reviewers, program officers, administrators) must present a code after their
password, on the web, the admin and before an API token is issued; an applicant who has
enrolled must too. django-otp stores the secret, refuses a code already used in its time
step (replay), and slows repeated wrong codes down (its throttling), and every wrong code
also counts as a failed sign-in towards the lockout (accounts/signin.py).
"""

import base64
import binascii
import secrets

from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_event
from dpa_funding import policy
from dpa_funding.errors import ValidationFailed

from .models import User

RECOVERY_CODE_COUNT = 10


def staff_must_enrol(user: User) -> bool:
    """Federal staff must sign in with a second factor (dpa_funding.policy)."""
    return policy.may(user, "signin.second_factor")


def second_factor_required(user: User) -> bool:
    """Staff always; anyone who enrolled (applicants may)."""
    return staff_must_enrol(user) or has_second_factor(user)


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def normalize(code) -> str:
    return "".join(str(code or "").split()).lower()


def device_for(user: User, code: str):
    """The device a code is meant for: six digits are an authenticator code, anything else a
    recovery code. Choosing one (rather than trying each) keeps a wrong authenticator code
    from throttling the recovery codes, as django-otp warns."""
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    return model.objects.filter(user=user, confirmed=True).first()


def verify(user: User, code: str, request=None):
    """The device that accepts ``code`` (an authenticator code or an unused recovery code),
    else None. django-otp refuses a code reused in its step and slows retries after a wrong
    one; a wrong code is also reported as a failed sign-in, so guessing codes locks out like
    guessing passwords."""
    code = normalize(code)
    device = device_for(user, code) if code else None
    if device is not None:
        allowed, _extra = device.verify_is_allowed()
        device = device if allowed and device.verify_token(code) else None
    if device is None and code and request is not None:
        user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)
    return device


def _secret_hex(secret_base32: str | None) -> str:
    if not secret_base32:
        return binascii.hexlify(secrets.token_bytes(20)).decode()
    cleaned = "".join(secret_base32.split()).upper()
    try:
        raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError):
        raise ValidationFailed({"totp_secret": ["Enter an RFC 4648 base32 secret (A-Z, 2-7)."]}) from None
    if len(raw) < 10:
        raise ValidationFailed({"totp_secret": ["The secret must be at least 80 bits (16 base32 characters)."]})
    return binascii.hexlify(raw).decode()


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@transaction.atomic
def enrol(user: User, *, secret: str | None = None, actor: User | None = None) -> tuple[TOTPDevice, list[str]]:
    """Give ``user`` a new authenticator secret and recovery codes, replacing any previous
    ones. Returns the device (``device.config_url`` is the otpauth:// enrolment URI) and
    the recovery codes, which are shown once and stored only as django-otp keeps them."""
    key = _secret_hex(secret)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", key=key, confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    audit_event(actor=actor or user, obj=user, action="second_factor_enrolled", changes={})
    return device, codes


@transaction.atomic
def unenrol(user: User, *, actor: User) -> None:
    """Remove an applicant's optional second factor (staff keep theirs)."""
    if staff_must_enrol(user):
        raise ValidationFailed({"non_field_errors": ["Staff accounts must keep a second factor."]})
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_event(actor=actor, obj=user, action="second_factor_removed", changes={})


def remaining_recovery_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()
