"""Writes for external sign-in: link an account to a provider identity, or create an
applicant for a verified email nobody here has."""

import re

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.choices import Role

from .models import ExternalIdentity

User = get_user_model()
_NOT_USERNAME = re.compile(r"[^A-Za-z0-9._-]+")


def _free_username(email: str) -> str:
    """ASCII letters, digits and ._- only (domain.md), from the email's local part."""
    base = _NOT_USERNAME.sub("", email.split("@", 1)[0])[:140] or "applicant"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def identity_link(*, user, issuer: str, subject: str, email: str) -> ExternalIdentity:
    return ExternalIdentity.objects.create(user=user, issuer=issuer, subject=subject, email_at_link=email)


@transaction.atomic
def applicant_create_from_identity(*, issuer: str, subject: str, email: str, first_name: str = "",
                                   last_name: str = "") -> ExternalIdentity:
    """A new applicant who signs in only through the provider (no usable password)."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                user = User(username=_free_username(email), email=email, role=Role.APPLICANT,
                            first_name=first_name[:150], last_name=last_name[:150])
                user.set_unusable_password()
                user.full_clean(exclude=["password"])
                user.save()
                return identity_link(user=user, issuer=issuer, subject=subject, email=email)
        except IntegrityError:  # a concurrent sign-in took the username; pick another
            continue
    raise IntegrityError("Could not allocate a username for the new account.")


def identity_signed_in(identity: ExternalIdentity) -> None:
    identity.last_sign_in_at = timezone.now()
    identity.save(update_fields=["last_sign_in_at"])
