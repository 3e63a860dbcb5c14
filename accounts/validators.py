"""Validators for federal identifiers (SF-424 core data)."""

import re

from django.core.exceptions import ValidationError

# SAM.gov Unique Entity ID: 12 characters, A-Z and 0-9 except I and O, not starting with 0.
UEI_RE = re.compile(r"^[A-HJ-NP-Z1-9][A-HJ-NP-Z0-9]{11}$")
EIN_RE = re.compile(r"^\d{9}$")
CAGE_RE = re.compile(r"^[A-Z0-9]{5}$")
NAICS_RE = re.compile(r"^\d{6}$")
# "AK-AL" for at-large districts, otherwise two digits (SF-424 item 16 uses "CA-023" style;
# we store state plus a 2-3 digit number).
DISTRICT_RE = re.compile(r"^[A-Z]{2}-(AL|\d{2,3})$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


def validate_uei(value: str) -> None:
    if not UEI_RE.match(value or ""):
        raise ValidationError(
            "UEI must be 12 characters of A-Z and 0-9, without the letters I and O, "
            "and must not start with 0.",
            code="invalid_uei",
        )


def validate_ein(value: str) -> None:
    if not EIN_RE.match(value or ""):
        raise ValidationError("EIN must be exactly 9 digits (no dash).", code="invalid_ein")


def validate_cage(value: str) -> None:
    if value and not CAGE_RE.match(value):
        raise ValidationError("CAGE code must be 5 letters or digits.", code="invalid_cage")


def validate_naics(value: str) -> None:
    if not NAICS_RE.match(value or ""):
        raise ValidationError("NAICS code must be exactly 6 digits.", code="invalid_naics")


def validate_congressional_district(value: str) -> None:
    if not DISTRICT_RE.match(value or ""):
        raise ValidationError(
            "Congressional district must look like 'NV-002' or 'WY-AL'.", code="invalid_district"
        )


def validate_country_codes(value: list) -> None:
    if not isinstance(value, list) or not all(
        isinstance(c, str) and COUNTRY_RE.match(c) for c in value
    ):
        raise ValidationError(
            "Countries must be a list of ISO 3166-1 alpha-2 codes such as ['CA', 'AU'].",
            code="invalid_countries",
        )


# Usernames: ASCII letters, digits and . _ - only (domain.md, "Sign-in"), so no two accounts
# can look alike ("demo_оfficer" with a Cyrillic о) and every name is safe in a URL or a log.
USERNAME_RE = re.compile(r"^[A-Za-z0-9._-]+\Z")
USERNAME_HELP = "Letters A-Z, digits and . _ - only; at most 150 characters."


def validate_username(value: str) -> None:
    if not USERNAME_RE.match(value or ""):
        raise ValidationError("Usernames may contain only the letters A-Z, digits and . _ - (no spaces "
                              "or other characters).", code="invalid_username")


def validate_owner_country(value: str) -> None:
    from .geography import is_iso_country

    if not is_iso_country(value):
        raise ValidationError("Country must be an ISO 3166-1 alpha-2 code such as 'CA' or 'CN'.",
                              code="invalid_country")
