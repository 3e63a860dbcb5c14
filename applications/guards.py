"""Guards and effects of the intake transitions (see workflow.py for the table), registered
by name with the lifecycle engine.

Each guard returns the list of unmet conditions as sentences a user can act on, so a
failed submit lists every problem at once.
"""

from datetime import datetime
from decimal import Decimal

from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from dpa_funding import lifecycle

from .choices import DocumentKind

REQUIRED_DOCUMENT_KINDS = (DocumentKind.TECHNICAL_REPORT, DocumentKind.BUDGET_JUSTIFICATION)


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

    present = set(app.documents.values_list("kind", flat=True))
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

    # Read as rows into the project's prefetch cache: the submitted record's snapshot of
    # the project (applications.record, an effect of the same transition) reuses them.
    prefetch_related_objects([app.project], "minerals")
    project_minerals = {m.pk for m in app.project.minerals.all()}
    if not project_minerals:
        unmet.append("The project must list at least one mineral.")
    else:
        eligible = set(opp.eligible_minerals.values_list("id", flat=True))
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

