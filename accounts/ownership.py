"""Foreign ownership, per owner (domain.md "Domestic sources and ownership").

An organization discloses its owners one by one: name, country, percent and whether the
owner is government-controlled. Everything the old single disclosure held (the foreign
percentage and the list of countries) and the foreign-entity-of-concern flag are derived
from those rows here, in one place, so the organization page, the API, the screening
queue and the frozen submitted record can never disagree.

The flag (42 U.S.C. 18741 via domain.md): owners from covered nations (CN, RU, IR, KP)
holding 25% or more *together*, or any government-controlled owner from a covered nation
holding any share. Any covered-nation owner at all, flagged or not, is a disclosure the
officer must review ("30% Canadian plus a token Chinese owner" is disclosed, not flagged).
"Foreign" means outside the United States: the program is a US one, and a Canadian owner
of a Canadian applicant is still foreign ownership for FOCI purposes.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from .choices import FOREIGN_ENTITY_OF_CONCERN_COUNTRIES, FOREIGN_ENTITY_OF_CONCERN_MIN_PERCENT

MAX_TOTAL_PERCENT = Decimal("100")
DOMESTIC_COUNTRY = "US"


def _get(owner, name):
    return owner.get(name) if isinstance(owner, dict) else getattr(owner, name)


@dataclass(frozen=True)
class Ownership:
    """The derived view of a list of owners (model rows or plain dicts)."""

    foreign_ownership_percent: Decimal
    foreign_owner_countries: list[str]
    covered_percent: Decimal
    covered_owners: list = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def foreign_entity_of_concern(self) -> bool:
        return bool(self.reasons)

    @property
    def covered_nation_disclosure(self) -> bool:
        """Any covered-nation owner: shown to officers as a disclosure to review."""
        return bool(self.covered_owners)


def assess(owners) -> Ownership:
    owners = list(owners)
    foreign_percent = Decimal("0")
    countries: list[str] = []
    covered_percent = Decimal("0")
    covered, government = [], []
    for owner in owners:
        country = _get(owner, "country")
        percent = Decimal(str(_get(owner, "percent") or 0))
        if country != DOMESTIC_COUNTRY:
            foreign_percent += percent
            if country not in countries:
                countries.append(country)
        if country in FOREIGN_ENTITY_OF_CONCERN_COUNTRIES:
            covered.append(owner)
            covered_percent += percent
            if _get(owner, "government_controlled"):
                government.append(owner)
    reasons = []
    if covered_percent >= FOREIGN_ENTITY_OF_CONCERN_MIN_PERCENT:
        reasons.append(f"Owners from covered nations hold {covered_percent.normalize():f}% together "
                       f"({FOREIGN_ENTITY_OF_CONCERN_MIN_PERCENT}% or more).")
    for owner in government:
        reasons.append(f"{_get(owner, 'name')} ({_get(owner, 'country')}) is government-controlled "
                       f"and holds {Decimal(str(_get(owner, 'percent'))).normalize():f}%.")
    return Ownership(
        foreign_ownership_percent=foreign_percent.quantize(Decimal("0.01")),
        foreign_owner_countries=countries,
        covered_percent=covered_percent.quantize(Decimal("0.01")),
        covered_owners=covered,
        reasons=reasons,
    )


def owner_dict(owner) -> dict:
    """An owner as the API, the audit log and the frozen record spell it."""
    percent = Decimal(str(_get(owner, "percent"))).quantize(Decimal("0.01"))
    return {"name": _get(owner, "name"), "country": _get(owner, "country"),
            "percent": f"{percent:f}", "government_controlled": bool(_get(owner, "government_controlled"))}
