"""Guards and effects of the white-paper transitions (workflow.py holds the table), registered
by name with the lifecycle engine, and the rules that tie a full application of a two-step
opportunity to its encouraged white paper.

A guard returns the unmet conditions as sentences a user can act on (all of them, so one
failed submit lists every problem); an effect runs inside the transition's transaction
after the state changed.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from dpa_funding import lifecycle
from dpa_funding.formatting import eastern

from .choices import MAX_PAGES, WhitePaperStatus


@lifecycle.guard("whitepapers.white_paper_window_open")
def white_paper_window_open(white_paper, actor, data) -> list[str]:
    opp = white_paper.opportunity
    if not opp.two_step or opp.white_paper_closes_at is None:
        return ["This funding opportunity does not take white papers."]
    now = timezone.now()
    if now < opp.opens_at:
        return [f"The funding opportunity opens on {eastern(opp.opens_at)}."]
    if now >= opp.white_paper_closes_at:
        return [f"White papers were due by {eastern(opp.white_paper_closes_at)}."]
    return []


@lifecycle.guard("whitepapers.white_paper_complete")
def white_paper_complete(white_paper, actor, data) -> list[str]:
    wp, opp = white_paper, white_paper.opportunity
    unmet: list[str] = []
    if not (wp.title or "").strip():
        unmet.append("Provide a title.")
    if not (wp.summary or "").strip():
        unmet.append("Provide a summary.")
    if not wp.federal_amount_estimate or wp.federal_amount_estimate <= 0:
        unmet.append("Enter the estimated federal amount (more than $0).")
    elif wp.federal_amount_estimate > opp.max_award:
        unmet.append(f"The estimated federal amount exceeds the maximum award of ${opp.max_award:,.2f}.")
    if wp.instrument not in (opp.instruments or []):
        unmet.append(f"This opportunity does not offer the instrument '{wp.get_instrument_display()}'.")
    if wp.project.organization_id != wp.organization_id:
        unmet.append("The project must belong to the organization.")
    if not hasattr(wp, "document") or wp.document is None:
        unmet.append(f"Upload the white paper (one PDF of at most {MAX_PAGES} pages).")
    return unmet


def _when(value) -> datetime | None:
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value if isinstance(value, datetime) else None


@lifecycle.guard("whitepapers.proposal_due_in_future")
def proposal_due_in_future(white_paper, actor, data) -> list[str]:
    due = _when(data.get("proposal_due_at"))
    if due is None:
        return ["A date and time the full proposal is due (proposal_due_at) is required."]
    if due <= timezone.now():
        return ["The proposal due date must be in the future."]
    return []


@lifecycle.effect("whitepapers.stamp_submitted_at")
def stamp_submitted_at(white_paper, actor, data) -> None:
    white_paper.submitted_at = timezone.now()


@lifecycle.effect("whitepapers.record_decision")
def record_decision(white_paper, actor, data) -> None:
    white_paper.decided_at = timezone.now()
    white_paper.decided_by = actor if actor is not None and actor.is_authenticated else None


@lifecycle.effect("whitepapers.record_proposal_due_at")
def record_proposal_due_at(white_paper, actor, data) -> None:
    white_paper.proposal_due_at = _when(data.get("proposal_due_at"))


# ---------------------------------------------------------------- full applications (step two)


def full_application_errors(*, opportunity, organization, white_paper, at: datetime | None = None,
                            application_id: int | None = None) -> list[str]:
    """Why ``white_paper`` cannot carry a full application of ``organization`` to
    ``opportunity`` (empty when it can). Single-step opportunities take no white paper, and
    one encouraged white paper leads to one full application (a withdrawn one frees it)."""
    from applications.choices import ApplicationStatus
    from applications.models import Application

    if not opportunity.two_step:
        return ["This funding opportunity is single-step; leave the white paper empty."] if white_paper else []
    if white_paper is None:
        return ["This is a two-step opportunity: choose your organization's encouraged white paper."]
    problems = []
    if white_paper.opportunity_id != opportunity.pk:
        problems.append("The white paper was sent to a different funding opportunity.")
    if organization is not None and white_paper.organization_id != organization.pk:
        problems.append("The white paper belongs to a different organization.")
    if white_paper.status != WhitePaperStatus.ENCOURAGED:
        problems.append("Only an encouraged white paper can lead to a full application; this one is "
                        f"{white_paper.get_status_display().lower()}.")
    due = white_paper.proposal_due_at
    if due is not None and (at or timezone.now()) >= due:
        problems.append(f"The full proposal was due by {eastern(due)}.")
    others = (Application.objects.filter(white_paper_id=white_paper.pk)
              .exclude(status=ApplicationStatus.WITHDRAWN).exclude(pk=application_id))
    if others.exists():
        problems.append("A full application already stands on this white paper.")
    return problems


def proposal_window_open(application, actor, data) -> list[str]:
    """The submit guard of a two-step opportunity's application: it stands on an encouraged
    white paper of its organization and goes in before that paper's proposal_due_at (the
    opportunity's closes_at does not apply)."""
    from .models import WhitePaper

    wp = application.white_paper
    if wp is not None:
        wp = WhitePaper.objects.get(pk=wp.pk)  # the current decision, not a cached one
    return full_application_errors(opportunity=application.opportunity, organization=application.organization,
                                   white_paper=wp, application_id=application.pk)
