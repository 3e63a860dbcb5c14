"""Guards and effects of the intake transitions (see workflow.py for the table), registered
by name with the lifecycle engine.

Each guard returns the list of unmet conditions as sentences a user can act on, so a
failed submit lists every problem at once.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from dpa_funding import lifecycle

from .choices import DocumentKind

REQUIRED_DOCUMENT_KINDS = (DocumentKind.TECHNICAL_REPORT, DocumentKind.BUDGET_JUSTIFICATION)


@dataclass(frozen=True)
class SubmissionReads:
    """What application_complete and the submitted record (applications.record) read beyond
    the locked application and its select_related opportunity, organization and project."""

    document_kinds: frozenset[str]
    project_minerals: tuple[tuple[int, str], ...]   # (id, name), by name
    eligible_mineral_ids: frozenset[int]            # empty: every mineral is eligible
    owners: tuple[dict, ...]                        # name, country, percent, government_controlled


_READS = "applications.submission_reads"


def submission_reads(application) -> SubmissionReads:
    """The reads of submit and resubmit, in one statement. Within a firing they are made
    once, after the door locked the row (the guard reads, the record's effect reuses them:
    lifecycle.transition_memo); outside one, each call reads afresh."""
    memo = lifecycle.transition_memo(application)
    if _READS not in memo:
        memo[_READS] = _read_submission(application)
    return memo[_READS]


def _read_submission(app) -> SubmissionReads:
    from accounts.models import Owner

    from .models import Document, FundingOpportunity, Mineral, Project

    q = connection.ops.quote_name
    minerals_field = Project._meta.get_field("minerals")
    eligible_field = FundingOpportunity._meta.get_field("eligible_minerals")
    project_minerals = (
        f"FROM {q(Mineral._meta.db_table)} m JOIN {q(minerals_field.m2m_db_table())} pm "
        f"ON pm.{q(minerals_field.m2m_reverse_name())} = m.id "
        f"WHERE pm.{q(minerals_field.m2m_column_name())} = %s ORDER BY m.name, m.id")
    # Table and column names are the models' own; every value is a parameter. Percentages
    # travel as JSON numbers and are read back as Decimal (never through float).
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT
                ARRAY(SELECT kind FROM {q(Document._meta.db_table)} WHERE application_id = %s),
                ARRAY(SELECT m.id {project_minerals}),
                ARRAY(SELECT m.name {project_minerals}),
                ARRAY(SELECT {q(eligible_field.m2m_reverse_name())} FROM {q(eligible_field.m2m_db_table())}
                      WHERE {q(eligible_field.m2m_column_name())} = %s),
                (SELECT coalesce(json_agg(json_build_object(
                            'name', name, 'country', country, 'percent', percent,
                            'government_controlled', government_controlled) ORDER BY id), '[]')::text
                 FROM {q(Owner._meta.db_table)} WHERE organization_id = %s)""",  # nosec B608
            [app.pk, app.project_id, app.project_id, app.opportunity_id, app.organization_id])
        kinds, mineral_ids, mineral_names, eligible, owners = cursor.fetchone()
    return SubmissionReads(
        document_kinds=frozenset(kinds),
        # By name as Python sorts it (the record always listed them so), not as the collation does.
        project_minerals=tuple(sorted(zip(mineral_ids, mineral_names, strict=True), key=lambda m: m[1])),
        eligible_mineral_ids=frozenset(eligible),
        owners=tuple(json.loads(owners, parse_float=Decimal)),
    )


@lifecycle.guard("applications.opportunity_open")
def opportunity_open(application, actor, data) -> list[str]:
    opp = application.opportunity
    if opp.two_step:
        # Full proposals of a two-step opportunity are due by their white paper's
        # proposal_due_at instead of closes_at (domain.md, "Two-step solicitations").
        from whitepapers.guards import proposal_window_open

        return proposal_window_open(application, actor, data)
    now = timezone.now()
    if now < opp.opens_at:
        return [f"The funding opportunity opens on {timezone.localtime(opp.opens_at):%B %d, %Y %I:%M %p %Z}."]
    if now >= opp.closes_at:
        return [f"The funding opportunity closed on {timezone.localtime(opp.closes_at):%B %d, %Y %I:%M %p %Z}."]
    return []


@lifecycle.guard("applications.application_complete")
def application_complete(application, actor, data) -> list[str]:
    """Everything the program requires of a complete, compliant application."""
    app, opp = application, application.opportunity
    unmet: list[str] = []
    for field, label in (("title", "a title"), ("summary", "a project summary"),
                         ("period_start", "a period of performance start date"),
                         ("period_end", "a period of performance end date")):
        if not getattr(app, field):
            unmet.append(f"Provide {label}.")
    if not app.federal_amount_requested or app.federal_amount_requested <= 0:
        unmet.append("Enter the federal amount requested (more than $0).")
    if app.project.organization_id != app.organization_id:
        unmet.append("The project must belong to the applying organization.")

    reads = submission_reads(app)
    present = reads.document_kinds
    for kind in REQUIRED_DOCUMENT_KINDS:
        if kind not in present:
            unmet.append(f"Upload at least one {DocumentKind(kind).label.lower()} document.")

    total_cost = app.total_project_cost
    if app.budget_total != total_cost:
        unmet.append(
            f"The SF-424A budget total (${app.budget_total:,.2f}) must equal the total project cost, "
            f"federal amount plus cost share (${total_cost:,.2f})."
        )
    min_share = opp.min_cost_share_percent
    if total_cost > 0 and app.cost_share_amount * 100 < min_share * total_cost:
        needed = (min_share * total_cost / 100).quantize(Decimal("0.01"))
        unmet.append(
            f"Cost share must be at least {min_share.normalize():f}% of the total project cost "
            f"(${needed:,.2f}); it is ${app.cost_share_amount:,.2f}."
        )
    if app.federal_amount_requested and app.federal_amount_requested > opp.max_award:
        unmet.append(f"The federal amount requested exceeds the maximum award of ${opp.max_award:,.2f}.")
    if app.instrument not in (opp.instruments or []):
        unmet.append(f"This opportunity does not offer the instrument '{app.get_instrument_display()}'.")

    project_minerals = {pk for pk, _name in reads.project_minerals}
    if not project_minerals:
        unmet.append("The project must list at least one mineral.")
    else:
        eligible = reads.eligible_mineral_ids
        if eligible and not (project_minerals & eligible):
            unmet.append("None of the project's minerals is eligible under this opportunity.")
    if app.period_start and app.period_end and app.period_end <= app.period_start:
        unmet.append("The period of performance must end after it starts.")
    return unmet


def _due_at(data) -> datetime | None:
    value = data.get("response_due_at")
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


@lifecycle.guard("applications.response_due_in_future")
def response_due_in_future(application, actor, data) -> list[str]:
    due = _due_at(data)
    if due is None:
        return ["A response due date and time (response_due_at) is required."]
    if due <= timezone.now():
        return ["The response due date must be in the future."]
    return []


@lifecycle.guard("applications.before_response_due")
def before_response_due(application, actor, data) -> list[str]:
    due = application.response_due_at
    if due and timezone.now() >= due:
        return [f"The revision was due {timezone.localtime(due):%B %d, %Y %I:%M %p %Z}."]
    return []


@lifecycle.effect("applications.stamp_submitted_at")
def stamp_submitted_at(application, actor, data) -> None:
    application.submitted_at = timezone.now()


@lifecycle.effect("applications.record_response_due_at")
def record_response_due_at(application, actor, data) -> None:
    application.response_due_at = _due_at(data)

