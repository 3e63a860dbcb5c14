"""Payments test helpers: accepted grants and loans, made directly (issuance and acceptance
are the awards tests' subject), with the recipient's AOR and an officer."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from applications.choices import ApplicationStatus, Instrument
from awards.choices import AwardStatus
from awards.models import Award, LoanTerms
from tests.factories import ApplicationFactory, UserFactory, aor_of

_SEQ = {"n": 0}


def accepted_award(*, instrument: str = Instrument.GRANT, federal_amount: Decimal = Decimal("1000000.00"),
                   period_start: dt.date | None = None, period_end: dt.date | None = None,
                   status: str = AwardStatus.ACCEPTED, loan: dict | None = None, **app_kwargs) -> Award:
    """An accepted award (loans with LoanTerms: 6% monthly over 12 months from ``loan``)."""
    app = ApplicationFactory(instrument=instrument, federal_amount_requested=federal_amount,
                             status=ApplicationStatus.AWARDED, **app_kwargs)
    now = timezone.now()
    _SEQ["n"] += 1
    start = period_start or timezone.localdate() - dt.timedelta(days=180)
    award = Award.objects.create(
        application=app, award_number=f"DPA3-FY99-{_SEQ['n']:04d}", fiscal_year=2099, sequence=_SEQ["n"],
        instrument=instrument, federal_amount=federal_amount, cost_share_amount=federal_amount,
        period_start=start, period_end=period_end or start + dt.timedelta(days=3 * 365), terms_version=1,
        issued_by=UserFactory(officer=True), issued_at=now - dt.timedelta(days=200),
        acceptance_due_at=now - dt.timedelta(days=170), status=status,
    )
    if instrument in (Instrument.LOAN, Instrument.LOAN_GUARANTEE):
        terms = {"principal": federal_amount, "annual_rate_percent": Decimal("6.0000"), "term_months": 12,
                 "grace_months": 0, "payment_frequency": "monthly",
                 "first_payment_date": timezone.localdate() - dt.timedelta(days=90), **(loan or {})}
        LoanTerms.objects.create(award=award, **terms)
    return award


def aor(award: Award):
    return aor_of(award.application.organization)


def officer(**kwargs):
    return UserFactory(officer=True, **kwargs)
