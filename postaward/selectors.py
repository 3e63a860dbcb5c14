"""Reads for post-award pages and the API: the recipient's "what is due" list and the
officer's portfolio of active awards."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from awards.choices import AwardStatus
from awards.models import Award

from . import funds
from .choices import MilestoneStatus, ReportStatus
from .models import Milestone, Report
from .services import ACTIVE_AWARD_STATES


@dataclass(frozen=True)
class DueItem:
    type: str
    id: int
    award: int
    award_number: str
    title: str
    due_at: object
    status: str
    overdue: bool
    url: str


def due_items_for(user) -> list[DueItem]:
    """Milestones and reports the user's organizations still owe on active awards (due,
    or submitted evidence returned to them), soonest first."""
    from django.urls import reverse

    now = timezone.now()
    milestones = (Milestone.objects.restrict(user)
                  .filter(status=MilestoneStatus.DUE, award__status__in=ACTIVE_AWARD_STATES)
                  .select_related("award"))
    reports = (Report.objects.restrict(user)
               .filter(status=ReportStatus.DUE, award__status__in=ACTIVE_AWARD_STATES)
               .select_related("award"))
    items = [DueItem("milestone", m.pk, m.award_id, m.award.award_number, f"Milestone: {m.title}", m.due_at,
                     m.get_status_display(), m.due_at <= now, reverse("postaward:award", kwargs={"pk": m.award_id}))
             for m in milestones]
    items += [DueItem("report", r.pk, r.award_id, r.award.award_number, str(r), r.due_at,
                      r.get_status_display(), r.due_at <= now, reverse("postaward:report", kwargs={"pk": r.pk}))
              for r in reports]
    return sorted(items, key=lambda i: (i.due_at, i.type, i.id))


@dataclass(frozen=True)
class PortfolioRow:
    award: int
    award_number: str
    organization: int
    organization_name: str
    instrument: str
    instrument_label: str
    status: str
    status_label: str
    period_end: object
    obligated: Decimal
    drawn: Decimal
    milestones_late: int
    reports_due: int
    reports_overdue: int
    delinquent: bool


def _obligated(award, obligation) -> Decimal:
    """What the recipient may draw: the obligation for grants and agreements; for loans the
    obligation is only the subsidy cost, so the principal is what disbursements count against."""
    if award.is_credit or obligation is None:
        return award.federal_amount
    return obligation.amount


def portfolio(user, *, awards=None) -> list[PortfolioRow]:
    """Active awards (accepted or in closeout) with what is late, due, drawn and delinquent.

    Counts come from one annotated query; drawn amounts from the payments app, per award.
    """
    now = timezone.now()
    qs = awards if awards is not None else Award.objects.restrict(user)
    qs = (qs.filter(status__in=(AwardStatus.ACCEPTED, AwardStatus.CLOSEOUT))
          .select_related("application__organization", "obligation")
          .annotate(
              milestones_late=Count("milestones", filter=Q(milestones__status=MilestoneStatus.DUE,
                                                           milestones__due_at__lte=now), distinct=True),
              reports_due=Count("reports", filter=Q(reports__status=ReportStatus.DUE), distinct=True),
              reports_overdue=Count("reports", filter=Q(reports__status=ReportStatus.DUE,
                                                        reports__due_at__lte=now), distinct=True))
          .order_by("period_end", "pk"))
    delinquent = funds.delinquent_award_ids()
    rows = []
    for award in qs:
        obligation = getattr(award, "obligation", None)
        rows.append(PortfolioRow(
            award=award.pk, award_number=award.award_number, organization=award.application.organization_id,
            organization_name=award.application.organization.legal_name, instrument=award.instrument,
            instrument_label=award.get_instrument_display(), status=award.status,
            status_label=award.get_status_display(), period_end=award.period_end,
            obligated=_obligated(award, obligation), drawn=funds.drawn_amount(award),
            milestones_late=award.milestones_late, reports_due=award.reports_due,
            reports_overdue=award.reports_overdue, delinquent=award.pk in delinquent))
    return rows
