"""Where an applicant or a project site is: country and that country's subdivision.

DPA Title III "domestic source" (50 U.S.C. 4552(7), as amended by sec. 1080 of the FY2024
NDAA) covers businesses in the United States and Canada, and, subject to a determination,
Australia and the United Kingdom. Subdivision codes are the ISO 3166-2 codes without the
country prefix (``NV``, ``ON``, ``WA``, ``SCT``), taken from pycountry so that the lists
follow the standard rather than a hand-typed copy.

Codes repeat across countries (``WA`` is Washington and Western Australia, ``NT`` is the
Northwest Territories and the Northern Territory), so a subdivision is only meaningful
together with its country: the model stores both and validates them as a pair.
"""

import re
from functools import cache

import pycountry
from django.db import models


class Country(models.TextChoices):
    US = "US", "United States"
    CA = "CA", "Canada"
    AU = "AU", "Australia"
    GB = "GB", "United Kingdom"


# Domestic sources only subject to the officer's determination (50 U.S.C. 4552(7)(B)).
DETERMINATION_COUNTRIES = frozenset({Country.AU, Country.GB})

# ISO 3166-2 lists subdivisions that are not places an applicant or mine can be:
# US-UM (the uninhabited Minor Outlying Islands). GB's top level is exactly the four
# nations (England, Scotland, Wales, Northern Ireland); its counties are their children.
_EXCLUDED = frozenset({"US-UM"})

# SF-424 item 16 style, stored as state plus district: "NV-002", or "WY-AL" for at-large.
DISTRICT_RE = re.compile(r"^(?P<state>[A-Z]{2})-(AL|\d{2,3})$")


@cache
def subdivisions(country: str) -> dict[str, str]:
    """Subdivision code (without the country prefix) -> name, for one supported country."""
    if country not in Country.values:
        return {}
    found = pycountry.subdivisions.get(country_code=country) or []
    return dict(sorted(
        (s.code.split("-", 1)[1], s.name) for s in found
        if s.parent_code is None and s.code not in _EXCLUDED
    ))


def subdivision_name(country: str, code: str) -> str:
    return subdivisions(country).get(code, code)


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Form choices grouped per country; values are ISO 3166-2 codes (``US-NV``)."""
    return [
        (label, [(f"{code}-{sub}", name) for sub, name in subdivisions(code).items()])
        for code, label in Country.choices
    ]


def is_iso_country(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code of a real country (owners may be from anywhere)."""
    return bool(isinstance(code, str) and len(code) == 2 and code.isupper()
                and pycountry.countries.get(alpha_2=code) is not None)


def location_errors(country: str, state: str, congressional_district: str | None,
                    *, district_field: bool = True) -> dict[str, list[str]]:
    """Every problem with a country/subdivision/district combination, per field."""
    errors: dict[str, list[str]] = {}
    if country not in Country.values:
        errors["country"] = [f"Country must be one of: {', '.join(Country.values)}."]
        return errors
    if state not in subdivisions(country):
        errors["state"] = [
            f"'{state}' is not a subdivision of {Country(country).label}; use one of: "
            f"{', '.join(subdivisions(country))}."
        ]
    if not district_field:
        return errors
    district = congressional_district or ""
    if country == Country.US:
        match = DISTRICT_RE.match(district)
        if not match:
            errors["congressional_district"] = [
                "Congressional district must look like 'NV-002' or 'WY-AL'."
            ]
        elif "state" not in errors and match["state"] != state:
            errors["congressional_district"] = [
                f"The congressional district must be in {state} (e.g. '{state}-001')."
            ]
    elif district:
        errors["congressional_district"] = [
            "Congressional districts apply to US addresses only; leave it empty."
        ]
    return errors


def country_label(code: str) -> str:
    """The name of any ISO 3166-1 alpha-2 country (owners may be from anywhere)."""
    found = pycountry.countries.get(alpha_2=code) if isinstance(code, str) and len(code) == 2 else None
    return getattr(found, "common_name", None) or getattr(found, "name", None) or str(code or "")
