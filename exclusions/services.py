"""Checks of an organization against the current SAM extract, and officers' clearances.

domain.md: an organization is excluded when an active record (Record Status active, no
termination date in the past) has its UEI; a record with the same normalized legal name but
no UEI is a possible match an officer must clear with a comment (per extract). ``select``
and ``award`` refuse when no extract newer than ``SAM_EXTRACT_MAX_AGE_DAYS`` was imported.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dpa_funding import formatting, policy
from dpa_funding.errors import ValidationFailed

from .choices import CheckOccasion, CheckResult
from .models import ExclusionCheck, SamClearance, SamExclusion, SamExtract
from .names import normalize_name

RECORD_FIELDS = ("name", "classification", "uei", "exclusion_type", "exclusion_program",
                 "excluding_agency", "active_date", "termination_date", "record_status",
                 "sam_number", "city", "state_province", "country")


def current_extract() -> SamExtract | None:
    return SamExtract.objects.order_by("-imported_at", "-id").first()


def max_age() -> timedelta:
    return timedelta(days=settings.SAM_EXTRACT_MAX_AGE_DAYS)


def is_stale(extract: SamExtract | None, now=None) -> bool:
    return extract is None or extract.imported_at < (now or timezone.now()) - max_age()


def extract_label(extract: SamExtract | None) -> str:
    return formatting.eastern(extract.imported_at, with_time=False) if extract else "none"


def _record(row: SamExclusion) -> dict:
    data = {name: getattr(row, name) for name in RECORD_FIELDS}
    data["name"] = row.display_name
    for name in ("active_date", "termination_date"):
        data[name] = data[name].isoformat() if data[name] else None
    return data


@dataclass
class Finding:
    """What the current extract says about one organization."""

    extract: SamExtract | None
    stale: bool
    exclusions: list[dict] = field(default_factory=list)
    possible_matches: list[dict] = field(default_factory=list)
    clearance: SamClearance | None = None

    @property
    def excluded(self) -> bool:
        return bool(self.exclusions)

    @property
    def result(self) -> str:
        if self.extract is None:
            return CheckResult.NO_EXTRACT
        if self.excluded:
            return CheckResult.EXCLUDED
        if self.possible_matches:
            return CheckResult.CLEARED if self.clearance else CheckResult.POSSIBLE_MATCH
        return CheckResult.CLEAR

    def unmet(self) -> list[str]:
        """The guard's unmet conditions ("recipient not excluded in SAM (extract of <date>)")."""
        if self.extract is None:
            return ["Recipient not excluded in SAM: no SAM exclusions extract has been imported; "
                    "import a current Public Extract first."]
        label = extract_label(self.extract)
        unmet = []
        if self.stale:
            unmet.append(f"Recipient not excluded in SAM: the latest extract (of {label}) is older "
                         f"than {settings.SAM_EXTRACT_MAX_AGE_DAYS} days; import a current one.")
        for record in self.exclusions:
            unmet.append(f"Recipient is excluded in SAM (extract of {label}): {record['name']}, "
                         f"{record['exclusion_type'] or 'exclusion'} by {record['excluding_agency'] or 'an agency'}.")
        if self.possible_matches and self.clearance is None:
            names = "; ".join(sorted({m["name"] for m in self.possible_matches}))
            unmet.append(f"Possible SAM exclusion by name without a UEI (extract of {label}): {names}. "
                         "A program officer must clear it with a comment.")
        return unmet


def _active(today) -> Q:
    return Q(record_status__iexact="active") & (Q(termination_date__isnull=True) | Q(termination_date__gte=today))


def find(organization, *, extract: SamExtract | None = None) -> Finding:
    extract = extract or current_extract()
    if extract is None:
        return Finding(extract=None, stale=True)
    records = SamExclusion.objects.filter(extract=extract).filter(_active(timezone.localdate()))
    exclusions = [_record(r) for r in records.filter(uei=organization.uei.upper()).order_by("id")]
    name = normalize_name(organization.legal_name)
    matches = [_record(r) for r in records.filter(uei="", normalized_name=name).order_by("id")] if name else []
    clearance = (SamClearance.objects.filter(organization=organization, extract=extract)
                 .order_by("-cleared_at", "-id").first() if matches else None)
    return Finding(extract=extract, stale=is_stale(extract), exclusions=exclusions,
                   possible_matches=matches, clearance=clearance)


def record_check(organization, *, occasion: str, actor=None, application=None,
                 finding: Finding | None = None) -> ExclusionCheck:
    """Keep the check (audited through the model's save) with the application when given."""
    finding = finding or find(organization)
    return ExclusionCheck.objects.create(
        organization=organization, application=application, extract=finding.extract,
        occasion=occasion, result=finding.result, uei=organization.uei,
        legal_name=organization.legal_name[:200], exclusions=finding.exclusions,
        possible_matches=finding.possible_matches, clearance=finding.clearance,
        checked_at=timezone.now(),
        checked_by=actor if actor is not None and actor.is_authenticated else None,
    )


@transaction.atomic
def check_organization(*, actor, organization) -> tuple[ExclusionCheck, Finding]:
    """An officer's check (GET /organizations/{id}/exclusion-check/): made and kept."""
    policy.require(actor, "exclusion.check", organization)
    finding = find(organization)
    return record_check(organization, occasion=CheckOccasion.OFFICER, actor=actor, finding=finding), finding


@transaction.atomic
def clear_possible_matches(*, actor, organization, comment: str) -> SamClearance:
    """The officer's finding that this extract's possible name matches are not this
    organization. Refused without a comment, without a current extract, or with nothing to
    clear; a UEI match can never be cleared."""
    policy.require(actor, "exclusion.clear", organization)
    comment = (comment or "").strip()
    finding = find(organization)
    errors: dict[str, list[str]] = {}
    if not comment:
        errors["comment"] = ["Say why the possible matches are not this organization."]
    if finding.extract is None:
        errors["non_field_errors"] = ["No SAM exclusions extract has been imported."]
    elif finding.excluded:
        errors["non_field_errors"] = ["The organization's UEI is excluded in SAM; that cannot be cleared."]
    elif not finding.possible_matches:
        errors["non_field_errors"] = ["There are no possible name matches in the current extract to clear."]
    if errors:
        raise ValidationFailed(errors)
    clearance = SamClearance.objects.create(
        organization=organization, extract=finding.extract, comment=comment,
        matches=finding.possible_matches, cleared_by=actor, cleared_at=timezone.now())
    return clearance


def latest_check(application) -> ExclusionCheck | None:
    return (ExclusionCheck.objects.filter(application=application).select_related("extract", "checked_by")
            .order_by("-checked_at", "-id").first())
