"""Reads behind the officer's dashboard of one opportunity.

Every figure comes from the selector that already answers that question elsewhere
(``awards.selectors.opportunity_funds`` for money, the applications and assignments
tables for the pipeline), so the dashboard, its API and its CSV exports cannot disagree
with the funds and ranking pages.
"""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from applications.choices import ApplicationStatus
from applications.models import Application, FundingOpportunity
from awards.models import Award, Obligation
from awards.selectors import opportunity_funds
from reviews.models import ReviewAssignment

ZERO = Decimal("0.00")
OPEN_REVIEW_STATES = ("pending_coi", "active")


def pipeline(opportunity: FundingOpportunity) -> list[dict]:
    """Applications by status, every status listed (zeros included) in workflow order."""
    counts = dict(
        Application.objects.filter(opportunity=opportunity)
        .values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return [{"status": value, "label": label, "count": counts.get(value, 0)}
            for value, label in ApplicationStatus.choices]


def obligations_by_state(opportunity: FundingOpportunity) -> list[dict]:
    """Active obligations by the project's state (an award counts once, under its site)."""
    rows = (
        Obligation.objects.filter(opportunity=opportunity, released_at__isnull=True)
        .values("award__application__project__state")
        .annotate(obligated=Sum("amount"), awards=Count("id"))
        .order_by("-obligated", "award__application__project__state")
    )
    return [{"state": r["award__application__project__state"], "obligated": r["obligated"] or ZERO,
             "awards": r["awards"]} for r in rows]


def overdue_reviews(opportunity: FundingOpportunity, now=None) -> list[ReviewAssignment]:
    now = now or timezone.now()
    return list(
        ReviewAssignment.objects.filter(application__opportunity=opportunity, status__in=OPEN_REVIEW_STATES,
                                        due_at__lt=now)
        .exclude(application__status=ApplicationStatus.REVISION_REQUESTED)  # paused, as the reminders are
        .select_related("application", "reviewer").order_by("due_at", "id")
    )


def overdue_acceptances(opportunity: FundingOpportunity, now=None) -> list[Award]:
    now = now or timezone.now()
    return list(
        Award.objects.filter(application__opportunity=opportunity, status="pending_acceptance",
                             acceptance_due_at__lt=now)
        .select_related("application", "application__organization").order_by("acceptance_due_at", "id")
    )


def opportunity_dashboard(opportunity: FundingOpportunity) -> dict:
    now = timezone.now()
    funds = opportunity_funds(opportunity)
    reviews = overdue_reviews(opportunity, now)
    acceptances = overdue_acceptances(opportunity, now)
    totals = Application.objects.filter(opportunity=opportunity).aggregate(
        applications=Count("id"),
        requested=Sum("federal_amount_requested", filter=~Q(status=ApplicationStatus.DRAFT)),
    )
    return {
        "opportunity": opportunity,
        "pipeline": pipeline(opportunity),
        "applications": totals["applications"],
        "requested": totals["requested"] or ZERO,
        "funds": funds,
        "by_state": obligations_by_state(opportunity),
        "overdue_reviews": reviews,
        "overdue_acceptances": acceptances,
        "generated_at": now,
    }
