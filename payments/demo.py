"""Demo data for payments: the latest historical award has payments drawn.

One reimbursement a quarter of the period of performance so far, each a twelfth of the
federal amount: those before the last quarter approved and paid, the last one approved
and awaiting payment, and an advance for the current quarter awaiting the officer's
decision. Everything goes through the services and the lifecycle door, so the history,
audit log and notifications are what a real run would leave. Safe to run again: an
award that already has payment requests is left alone.
"""

import calendar
import datetime as dt
from decimal import Decimal

from accounts.choices import MemberRole
from accounts.models import Membership
from awards.choices import LetterStatus
from awards.models import Award

from . import services
from .choices import PAYABLE_INSTRUMENTS, RequestType
from .models import PaymentRequest

CENT = Decimal("0.01")


def latest_historical_award() -> Award | None:
    """The most recently issued imported award that money can move on."""
    return (Award.objects.filter(letter_status=LetterStatus.IMPORTED, status__in=services.PAYMENT_AWARD_STATUSES,
                                 instrument__in=PAYABLE_INSTRUMENTS)
            .select_related("application").order_by("-issued_at", "-pk").first())


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def quarters_elapsed(award: Award, today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Complete three-month periods of the period of performance before ``today``."""
    out = []
    start = award.period_start
    while True:
        end = _add_months(start, 3) - dt.timedelta(days=1)
        if end >= today or end > award.period_end:
            return out
        out.append((start, end))
        start = end + dt.timedelta(days=1)


def load_payments_demo(result, *, officer, applicant) -> Award | None:
    award = latest_historical_award()
    if award is None:
        return None
    _, created = Membership.objects.get_or_create(
        organization_id=award.application.organization_id, user=applicant,
        defaults={"role": MemberRole.AUTHORIZED_REPRESENTATIVE})
    result.count("memberships", created)
    if PaymentRequest.objects.filter(award=award).exists():
        result.count("payment requests", False)
        return award
    share = (award.federal_amount / 12).quantize(CENT)
    quarters = quarters_elapsed(award, services.today())[:12]
    for n, (start, end) in enumerate(quarters):
        item = services.payment_request_create(actor=applicant, award=award, request_type=RequestType.REIMBURSEMENT,
                                               amount=share, period_start=start, period_end=end)
        services.payment_request_transition(actor=officer, request_id=item.pk, name="approve",
                                            data={"comment": "Costs documented; approved."})
        if n < len(quarters) - 1:
            services.payment_request_transition(actor=officer, request_id=item.pk, name="mark_paid")
        result.count("payment requests", True)
    if quarters and len(quarters) < 12:
        start = quarters[-1][1] + dt.timedelta(days=1)
        end = min(_add_months(start, 3) - dt.timedelta(days=1), award.period_end)
        services.payment_request_create(actor=applicant, award=award, request_type=RequestType.ADVANCE,
                                        amount=share, period_start=start, period_end=end)
        result.count("payment requests", True)
    return award
