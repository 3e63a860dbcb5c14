"""Awards test helpers: applications in negotiation with saved terms, issued awards."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from applications.choices import ApplicationStatus, Instrument
from applications.services import application_transition
from awards.models import AwardTerms
from tests.factories import ApplicationFactory, OpportunityFactory, UserFactory

LOAN = {
    "annual_rate_percent": Decimal("4.2500"),
    "term_months": 120,
    "grace_months": 12,
    "payment_frequency": "monthly",
}


def negotiation_app(*, with_terms: bool = True, instrument: str = Instrument.GRANT,
                    federal_amount: Decimal = Decimal("10000000.00"), **kwargs):
    """An application in negotiation (or ``status=``); with terms saved directly (version 1) unless told not to."""
    kwargs.setdefault("federal_amount_requested", federal_amount)
    kwargs.setdefault("cost_share_amount", federal_amount)
    if "opportunity" not in kwargs:
        kwargs["opportunity"] = OpportunityFactory(instruments=list(Instrument.values))
    kwargs.setdefault("status", ApplicationStatus.NEGOTIATION)
    app = ApplicationFactory(instrument=instrument, **kwargs)
    if with_terms:
        make_terms(app, instrument=instrument, federal_amount=federal_amount)
    return app


def make_terms(app, *, instrument: str = Instrument.GRANT, federal_amount: Decimal = Decimal("10000000.00"),
               **overrides) -> AwardTerms:
    values = {
        "instrument": instrument, "federal_amount": federal_amount, "cost_share_amount": federal_amount,
        "period_start": timezone.localdate() + dt.timedelta(days=60),
        "period_end": timezone.localdate() + dt.timedelta(days=60 + 3 * 365),
        "conditions": ["Quarterly progress reports are due 30 days after each quarter."],
        "version": 1,
    }
    if instrument in (Instrument.LOAN, Instrument.LOAN_GUARANTEE):
        values.update(LOAN, principal=federal_amount,
                      first_payment_date=timezone.localdate().replace(day=1) + dt.timedelta(days=400))
    values.update(overrides)
    terms, _ = AwardTerms.objects.update_or_create(application=app, defaults=values)
    return terms


def issuing_officer(**kwargs):
    return UserFactory(officer=True, **kwargs)


def issue(app, officer=None):
    """Fire the award transition and return the award."""
    officer = officer or issuing_officer()
    app = application_transition(application_id=app.pk, name="award", actor=officer)
    return app.issued_award
