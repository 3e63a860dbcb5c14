"""The award transition: guards (terms, separation of duties, budget) and its effect."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from applications.choices import ApplicationStatus, Instrument
from applications.models import TransitionLog
from applications.services import application_transition
from awards.choices import AwardStatus, LetterStatus
from awards.models import Award, LoanTerms, Obligation
from awards.services import default_acceptance_due_at, fiscal_year_of, format_award_number
from dpa_funding.errors import ConditionsUnmet, NotPermitted
from dpa_funding.formatting import EASTERN
from ops.models import OutboxMessage
from reviews.models import ReviewAssignment
from tests.awards.factories import issue, issuing_officer, make_terms, negotiation_app
from tests.factories import OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_award_creates_one_award_and_obligation_and_queues_one_letter_on_commit(
        django_capture_on_commit_callbacks):
    app = negotiation_app()
    officer = issuing_officer()
    with mock.patch("awards.tasks.generate_award_letter.delay", create=True) as delay, \
            django_capture_on_commit_callbacks(execute=False) as callbacks:
        app = application_transition(application_id=app.pk, name="award", actor=officer)
        delay.assert_not_called()  # nothing is queued before commit
    assert app.status == ApplicationStatus.AWARDED
    award = Award.objects.get()
    assert Obligation.objects.count() == 1
    assert not LoanTerms.objects.exists()
    # The letter is owed in the award's transaction (outbox row), published after commit.
    owed = OutboxMessage.objects.get(task="awards.tasks.generate_award_letter")
    assert owed.args == [award.pk, award.terms_version]
    with mock.patch("awards.tasks.generate_award_letter.delay", create=True) as delay:
        for callback in callbacks:
            callback()
    delay.assert_called_once_with(award.pk, award.terms_version)
    assert not OutboxMessage.objects.exists()
    assert award.status == AwardStatus.PENDING_ACCEPTANCE
    assert award.letter_status == LetterStatus.PENDING
    assert award.issued_by == officer
    assert award.federal_amount == Decimal("10000000.00")
    assert award.obligation.amount == Decimal("10000000.00")
    # Close of business Eastern, 30 days after the day of issue (not the minute of issue).
    due = award.acceptance_due_at.astimezone(EASTERN)
    assert (due.hour, due.minute) == (17, 0)
    assert due.date() == award.issued_at.astimezone(EASTERN).date() + dt.timedelta(days=30)
    assert award.acceptance_due_at == default_acceptance_due_at(award.issued_at)  # 5 p.m. Eastern, day 30
    logs = TransitionLog.objects.values_list("transition", "to_state")
    assert set(logs) == {("award", "awarded"), ("issue", "pending_acceptance")}


def test_award_copies_the_current_terms_version():
    app = negotiation_app()
    make_terms(app, version=4, conditions=["Buy American applies."])
    award = issue(app)
    assert award.terms_version == 4
    assert award.conditions == ["Buy American applies."]


@time_machine.travel(dt.datetime(2026, 10, 1, 4, 30, tzinfo=dt.UTC))  # 00:30 Eastern, Oct 1
def test_award_number_uses_the_federal_fiscal_year_in_eastern_time():
    award = issue(negotiation_app())
    assert award.award_number == "DPA3-FY27-0001"
    assert (award.fiscal_year, award.sequence) == (2027, 1)


def test_fiscal_year_boundary_is_midnight_eastern_not_utc():
    # 2026-10-01 02:00 UTC is still September 30 in Washington.
    assert fiscal_year_of(dt.datetime(2026, 10, 1, 2, 0, tzinfo=dt.UTC)) == 2026
    assert fiscal_year_of(dt.datetime(2026, 10, 1, 4, 0, tzinfo=dt.UTC)) == 2027
    assert format_award_number(2027, 12) == "DPA3-FY27-0012"


def test_numbers_run_in_sequence_within_a_fiscal_year():
    numbers = [issue(negotiation_app()).sequence for _ in range(3)]
    assert numbers == [1, 2, 3]


def test_loan_award_obligates_principal_times_credit_subsidy_rate():
    opp = OpportunityFactory(instruments=list(Instrument.values), credit_subsidy_rate_percent=Decimal("12.35"))
    app = negotiation_app(opportunity=opp, instrument=Instrument.LOAN, federal_amount=Decimal("1234567.89"))
    award = issue(app)
    # 1,234,567.89 x 12.35% = 152,469.134415 -> 152,469.13
    assert award.obligation.amount == Decimal("152469.13")
    assert award.loan.principal == Decimal("1234567.89")
    assert award.loan.inputs().term_months == 120


def test_credit_subsidy_rounds_half_up_to_cents():
    opp = OpportunityFactory(instruments=list(Instrument.values), credit_subsidy_rate_percent=Decimal("10"))
    app = negotiation_app(opportunity=opp, instrument=Instrument.LOAN_GUARANTEE, federal_amount=Decimal("100.05"))
    award = issue(app)
    assert award.obligation.amount == Decimal("10.01")  # 10.005 rounds half-up


def test_loan_budget_check_uses_the_subsidy_not_the_principal():
    # Ceiling 1M, principal 5M at 10% obligates only 500k: fits.
    opp = OpportunityFactory(instruments=list(Instrument.values), budget_ceiling=Decimal("1000000.00"),
                             max_award=Decimal("5000000.00"))
    app = negotiation_app(opportunity=opp, instrument=Instrument.LOAN, federal_amount=Decimal("5000000.00"))
    assert issue(app).obligation.amount == Decimal("500000.00")


def test_award_without_terms_is_refused():
    app = negotiation_app(with_terms=False)
    with pytest.raises(ConditionsUnmet) as exc:
        application_transition(application_id=app.pk, name="award", actor=issuing_officer())
    assert exc.value.unmet == ["Draft and save the award terms before issuing the award."]
    assert not Award.objects.exists()


def test_invalid_terms_are_listed_and_nothing_is_created():
    app = negotiation_app()
    make_terms(app, federal_amount=Decimal("60000000.00"), cost_share_amount=Decimal("0"),
               period_end=timezone.localdate())
    with pytest.raises(ConditionsUnmet) as exc:
        application_transition(application_id=app.pk, name="award", actor=issuing_officer())
    text = " | ".join(exc.value.unmet)
    assert "maximum award" in text and "must end after it starts" in text
    assert not Award.objects.exists() and not Obligation.objects.exists()
    app.refresh_from_db()
    assert app.status == ApplicationStatus.NEGOTIATION


def test_loan_terms_must_be_complete_and_principal_must_equal_federal_amount():
    app = negotiation_app(instrument=Instrument.LOAN)
    make_terms(app, instrument=Instrument.LOAN, principal=Decimal("9000000.00"), payment_frequency="")
    with pytest.raises(ConditionsUnmet) as exc:
        application_transition(application_id=app.pk, name="award", actor=issuing_officer())
    text = " | ".join(exc.value.unmet)
    assert "payment frequency" in text
    make_terms(app, instrument=Instrument.LOAN, principal=Decimal("9000000.00"))
    with pytest.raises(ConditionsUnmet) as exc:
        application_transition(application_id=app.pk, name="award", actor=issuing_officer())
    assert any("principal must equal the federal amount" in m for m in exc.value.unmet)


def test_instrument_must_be_offered_by_the_opportunity():
    opp = OpportunityFactory(instruments=[Instrument.GRANT])
    app = negotiation_app(opportunity=opp)
    make_terms(app, instrument=Instrument.COOPERATIVE_AGREEMENT)
    with pytest.raises(ConditionsUnmet) as exc:
        application_transition(application_id=app.pk, name="award", actor=issuing_officer())
    assert any("does not offer" in m for m in exc.value.unmet)


def test_officer_who_reviewed_the_application_cannot_issue_its_award():
    app = negotiation_app()
    officer = issuing_officer()
    ReviewAssignment.objects.create(application=app, reviewer=officer, due_at=timezone.now())
    with pytest.raises(ConditionsUnmet) as exc:
        application_transition(application_id=app.pk, name="award", actor=officer)
    assert any("review this application" in m for m in exc.value.unmet)
    # Another officer may.
    assert issue(app).issued_by != officer


def test_officer_without_award_authority_cannot_issue():
    app = negotiation_app()
    with pytest.raises(NotPermitted):
        application_transition(application_id=app.pk, name="award", actor=UserFactory(officer=True,
                                                                                       award_authority=False))


def test_budget_guard_refuses_an_award_larger_than_what_remains():
    opp = OpportunityFactory(instruments=list(Instrument.values), budget_ceiling=Decimal("15000000.00"))
    issue(negotiation_app(opportunity=opp))  # obligates 10M
    second = negotiation_app(opportunity=opp)
    with pytest.raises(ConditionsUnmet) as exc:
        application_transition(application_id=second.pk, name="award", actor=issuing_officer())
    assert exc.value.unmet == [
        "The award would obligate $10,000,000.00 but only $5,000,000.00 of the opportunity's "
        "$15,000,000.00 budget remains."
    ]


def test_exact_fit_is_allowed():
    opp = OpportunityFactory(instruments=list(Instrument.values), budget_ceiling=Decimal("20000000.00"))
    issue(negotiation_app(opportunity=opp))
    assert issue(negotiation_app(opportunity=opp)).sequence == 2


def test_a_failure_after_the_number_is_drawn_rolls_the_number_back():
    opp = OpportunityFactory(instruments=list(Instrument.values))
    first = negotiation_app(opportunity=opp)
    with mock.patch("awards.services.Obligation.objects.create", side_effect=RuntimeError("disk full")):
        with pytest.raises(RuntimeError):
            issue(first)
    assert not Award.objects.exists()
    assert issue(negotiation_app(opportunity=opp)).award_number.endswith("-0001")
    assert issue(first).award_number.endswith("-0002")
