"""Password rules of domain.md ("Sign-in"), beyond Django's length and numeric checks:
not on the shipped list of breached and common passwords (accounts/data, checked offline),
not one character or one short unit repeated, and not containing the username."""

import gzip
import re
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError

LIST_PATH = Path(__file__).resolve().parent / "data" / "breached-passwords.txt.gz"
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@lru_cache(maxsize=1)
def breached_passwords() -> frozenset[str]:
    with gzip.open(LIST_PATH, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def repeated_unit(password: str) -> str | None:
    """The shortest unit the password is a repetition of ("abcabc" -> "abc"), else None."""
    match = re.fullmatch(r"(.+?)\1+", password, flags=re.DOTALL)
    return match.group(1) if match else None


class BreachedPasswordValidator:
    """Refuses a listed password, also once digits and symbols around it are stripped
    ("Password123!") or when it repeats a listed one ("passwordpassword")."""

    def validate(self, password, user=None):
        lowered = password.lower()
        candidates = {lowered, _EDGES.sub("", lowered)}
        unit = repeated_unit(lowered)
        if unit:
            candidates |= {unit, _EDGES.sub("", unit)}
        if candidates & breached_passwords():
            raise ValidationError(
                "This password is on a list of breached or common passwords. Choose another.",
                code="password_breached",
            )

    def get_help_text(self):
        return "Your password can't be a breached or commonly used password."


class RepetitionValidator:
    """Refuses one character repeated ("aaaaaaaaaaaa") or a short unit repeated ("abcabcabcabc")."""

    def validate(self, password, user=None):
        unit = repeated_unit(password)
        if unit is not None and len(unit) <= max(1, len(password) // 2):
            raise ValidationError("Your password can't be one character or a short sequence repeated.",
                                  code="password_repetitive")

    def get_help_text(self):
        return "Your password can't be one character or a short sequence repeated."


class UsernameInPasswordValidator:
    """Refuses a password that contains the username (Django's similarity check misses
    "alice" + "-2026-xyz" style passwords)."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").casefold()
        if len(username) >= 3 and username in password.casefold():
            raise ValidationError("Your password can't contain your username.", code="password_has_username")

    def get_help_text(self):
        return "Your password can't contain your username."
