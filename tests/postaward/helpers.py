"""Post-award test helpers: accepted awards with their reporting schedule."""

import datetime as dt
from decimal import Decimal

from accounts.choices import MemberRole
from accounts.models import Membership
from awards.choices import AwardStatus
from awards.models import Award
from postaward import services
from tests.awards.factories import issue, issuing_officer, make_terms, negotiation_app
from tests.factories import UserFactory, aor_of


def issued_award(*, period_start: dt.date | None = None, period_end: dt.date | None = None,
                 federal_amount: Decimal = Decimal("10000000.00"), **kwargs) -> Award:
    app = negotiation_app(with_terms=False, federal_amount=federal_amount, **kwargs)
    overrides = {}
    if period_start:
        overrides["period_start"] = period_start
    if period_end:
        overrides["period_end"] = period_end
    make_terms(app, federal_amount=federal_amount, instrument=app.instrument, **overrides)
    return issue(app, issuing_officer(username=f"issuer{app.pk}"))


def accepted_award(**kwargs) -> Award:
    """An issued award put in the accepted state for a test's setup (a fixture, not the
    transition), with the schedule acceptance generates."""
    award = issued_award(**kwargs)
    Award.objects.filter(pk=award.pk).update(**{"status": AwardStatus.ACCEPTED})
    award.refresh_from_db()
    services.reports_generate(award=award)
    return award


def aor(award) -> object:
    return aor_of(award.application.organization)


def contributor(award):
    user = UserFactory()
    Membership.objects.create(organization=award.application.organization, user=user,
                              role=MemberRole.CONTRIBUTOR)
    return user


def officer(**kwargs):
    return UserFactory(officer=True, **kwargs)
