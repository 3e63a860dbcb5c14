"""Terms negotiation, acceptance, rescission and the budget position (services/selectors)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from accounts.choices import MemberRole
from applications.choices import ApplicationStatus, Instrument
from applications.models import Mineral, TransitionLog
from awards.choices import AwardStatus
from awards.models import AwardTerms
from awards.selectors import opportunity_funds
from awards.services import award_accept, award_rescind, terms_save
from dpa_funding.errors import (
    ConditionsUnmet,
    Conflict,
    InvalidTransition,
    NotPermitted,
    ValidationFailed,
)
from tests.awards.factories import issue, issuing_officer, negotiation_app
from tests.factories import (
    MembershipFactory,
    OpportunityFactory,
    ProjectFactory,
    UserFactory,
    aor_of,
)

pytestmark = pytest.mark.django_db

START = dt.date(2027, 1, 1)


def grant_fields(**overrides):
    fields = {
        "instrument": Instrument.GRANT, "federal_amount": Decimal("8000000.00"),
        "cost_share_amount": Decimal("8000000.00"), "period_start": START,
        "period_end": START + dt.timedelta(days=3 * 365), "conditions": ["Report quarterly."],
    }
    fields.update(overrides)
    return fields


def loan_fields(**overrides):
    fields = grant_fields(instrument=Instrument.LOAN, principal=Decimal("8000000.00"),
                          annual_rate_percent=Decimal("4.5"), term_months=120, grace_months=12,
                          payment_frequency="quarterly", first_payment_date=dt.date(2028, 1, 15))
    fields.update(overrides)
    return fields


# ---------------------------------------------------------------- terms_save


def test_terms_save_creates_then_bumps_the_version_on_every_save():
    app = negotiation_app(with_terms=False)
    officer = issuing_officer()
    terms = terms_save(actor=officer, application=app, **grant_fields())
    assert (terms.version, terms.updated_by, terms.federal_amount) == (1, officer, Decimal("8000000.00"))
    terms = terms_save(actor=officer, application=app, conditions=["Report monthly."])
    assert terms.version == 2
    assert terms.conditions == ["Report monthly."]
    assert terms.federal_amount == Decimal("8000000.00")  # untouched fields keep their value


def test_terms_save_starts_from_the_applicants_request():
    app = negotiation_app(with_terms=False, federal_amount=Decimal("7000000.00"))
    terms = terms_save(actor=issuing_officer(), application=app)
    assert terms.federal_amount == Decimal("7000000.00")
    assert terms.instrument == app.instrument


def test_terms_save_reports_every_field_error():
    app = negotiation_app(with_terms=False)
    with pytest.raises(ValidationFailed) as exc:
        terms_save(actor=issuing_officer(), application=app, **grant_fields(
            federal_amount=Decimal("60000000.00"), cost_share_amount=Decimal("0"),
            period_end=START, conditions=["ok", " "]))
    errors = exc.value.errors
    assert "maximum award" in errors["federal_amount"][0]
    assert "must end after it starts" in errors["period_end"][0]
    assert "non-empty" in errors["conditions"][0]
    assert not AwardTerms.objects.exists()


def test_terms_save_checks_cost_share_minimum():
    app = negotiation_app(with_terms=False)  # opportunity minimum is 50%
    with pytest.raises(ValidationFailed) as exc:
        terms_save(actor=issuing_officer(), application=app,
                   **grant_fields(cost_share_amount=Decimal("7999999.99")))
    assert exc.value.errors["cost_share_amount"] == [
        "Cost share must be at least 50% of the total project cost ($8,000,000.00); it is $7,999,999.99."]


def test_loan_terms_need_every_loan_field_and_sane_values():
    app = negotiation_app(with_terms=False, instrument=Instrument.LOAN)
    officer = issuing_officer()
    with pytest.raises(ValidationFailed) as exc:
        terms_save(actor=officer, application=app, **grant_fields(instrument=Instrument.LOAN))
    assert set(exc.value.errors) >= {"annual_rate_percent", "term_months", "payment_frequency", "first_payment_date"}
    with pytest.raises(ValidationFailed) as exc:
        terms_save(actor=officer, application=app, **loan_fields(term_months=121, grace_months=130))
    assert "not a whole number of quarterly periods" in exc.value.errors["term_months"][0]
    assert "shorter than the term" in exc.value.errors["grace_months"][0]
    with pytest.raises(ValidationFailed) as exc:
        terms_save(actor=officer, application=app, **loan_fields(principal=Decimal("7000000.00")))
    assert "must equal the federal amount" in exc.value.errors["principal"][0]
    terms = terms_save(actor=officer, application=app, **loan_fields())
    assert terms.loan_inputs().payment_frequency == "quarterly"


def test_switching_a_loan_to_a_grant_clears_the_loan_fields():
    app = negotiation_app(with_terms=False, instrument=Instrument.LOAN)
    officer = issuing_officer()
    terms_save(actor=officer, application=app, **loan_fields())
    terms = terms_save(actor=officer, application=app, instrument=Instrument.GRANT)
    assert (terms.principal, terms.term_months, terms.payment_frequency) == (None, None, "")


def test_terms_save_checks_the_remaining_budget():
    opp = OpportunityFactory(instruments=list(Instrument.values), budget_ceiling=Decimal("12000000.00"))
    issue(negotiation_app(opportunity=opp))  # 10M obligated
    app = negotiation_app(opportunity=opp, with_terms=False)
    with pytest.raises(ValidationFailed) as exc:
        terms_save(actor=issuing_officer(), application=app, **grant_fields())
    assert "only $2,000,000.00" in exc.value.errors["federal_amount"][0]


def test_terms_only_by_officers_only_in_negotiation_and_not_over_a_newer_version():
    app = negotiation_app(with_terms=False)
    with pytest.raises(NotPermitted):
        terms_save(actor=aor_of(app.organization), application=app, **grant_fields())
    officer = issuing_officer()
    terms_save(actor=officer, application=app, **grant_fields())
    with pytest.raises(Conflict):
        terms_save(actor=officer, application=app, expected_version=0, conditions=[])
    selected = negotiation_app(with_terms=False, status=ApplicationStatus.SELECTED)
    with pytest.raises(InvalidTransition):
        terms_save(actor=officer, application=selected, **grant_fields())


# ---------------------------------------------------------------- acceptance


def test_aor_accepts_before_the_deadline_and_it_is_logged():
    award = issue(negotiation_app())
    aor = aor_of(award.application.organization)
    with time_machine.travel(award.acceptance_due_at - dt.timedelta(minutes=1)):
        award = award_accept(actor=aor, award=award)
    assert (award.status, award.accepted_by) == (AwardStatus.ACCEPTED, aor)
    log = TransitionLog.objects.get(transition="accept")
    assert (log.object_id, log.from_state, log.to_state, log.actor) == (
        award.pk, "pending_acceptance", "accepted", aor)


def test_acceptance_after_the_deadline_is_refused():
    award = issue(negotiation_app())
    with time_machine.travel(award.acceptance_due_at + dt.timedelta(seconds=1)):
        with pytest.raises(ConditionsUnmet) as exc:
            award_accept(actor=aor_of(award.application.organization), award=award)
    assert "acceptance deadline passed" in exc.value.unmet[0]
    award.refresh_from_db()
    assert award.status == AwardStatus.PENDING_ACCEPTANCE


def test_only_the_aor_may_accept_and_only_once():
    award = issue(negotiation_app())
    contributor = MembershipFactory(organization=award.application.organization, role=MemberRole.CONTRIBUTOR).user
    with pytest.raises(NotPermitted):
        award_accept(actor=contributor, award=award)
    with pytest.raises(NotPermitted):
        award_accept(actor=issuing_officer(), award=award)
    award_accept(actor=aor_of(award.application.organization), award=award)
    with pytest.raises(InvalidTransition):
        award_accept(actor=aor_of(award.application.organization), award=award)


# ---------------------------------------------------------------- rescission


def test_rescinding_after_the_deadline_returns_the_obligation_to_the_budget():
    opp = OpportunityFactory(instruments=list(Instrument.values), budget_ceiling=Decimal("10000000.00"))
    award = issue(negotiation_app(opportunity=opp))
    assert opportunity_funds(opp)["available"] == Decimal("0.00")
    officer = issuing_officer()
    with time_machine.travel(award.acceptance_due_at + dt.timedelta(hours=1)):
        award = award_rescind(actor=officer, award=award, comment="Not accepted in time.")
    assert (award.status, award.rescinded_by) == (AwardStatus.RESCINDED, officer)
    award.obligation.refresh_from_db()
    assert award.obligation.released_at is not None
    funds = opportunity_funds(opp)
    assert (funds["obligated"], funds["available"]) == (Decimal("0.00"), Decimal("10000000.00"))
    assert TransitionLog.objects.filter(transition="rescind", comment="Not accepted in time.").count() == 1
    # The money is usable again.
    assert issue(negotiation_app(opportunity=opp)).obligation.amount == Decimal("10000000.00")


def test_rescind_is_refused_before_the_deadline_after_acceptance_and_for_applicants():
    award = issue(negotiation_app())
    officer = issuing_officer()
    with pytest.raises(ConditionsUnmet) as exc:
        award_rescind(actor=officer, award=award, comment="")
    # api.md asks no body of rescind: a comment is welcome, never required.
    assert len(exc.value.unmet) == 1 and "after its acceptance deadline" in exc.value.unmet[0]
    with time_machine.travel(award.acceptance_due_at + dt.timedelta(days=1)):
        with pytest.raises(NotPermitted):
            award_rescind(actor=aor_of(award.application.organization), award=award, comment="x")
    award_accept(actor=aor_of(award.application.organization), award=award)
    with time_machine.travel(award.acceptance_due_at + dt.timedelta(days=1)):
        with pytest.raises(InvalidTransition):
            award_rescind(actor=officer, award=award, comment="Too late")


# ---------------------------------------------------------------- funds


def test_funds_breaks_obligations_down_by_instrument_and_mineral():
    opp = OpportunityFactory(instruments=list(Instrument.values), budget_ceiling=Decimal("100000000.00"))
    lithium, cobalt = Mineral.objects.get(name="lithium"), Mineral.objects.get(name="cobalt")
    both = ProjectFactory(minerals=[lithium, cobalt])
    grant = issue(negotiation_app(opportunity=opp, project=both, organization=both.organization))
    loan = issue(negotiation_app(opportunity=opp, instrument=Instrument.LOAN, federal_amount=Decimal("20000000.00")))
    rescinded = issue(negotiation_app(opportunity=opp, federal_amount=Decimal("1000000.00")))
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        award_rescind(actor=issuing_officer(), award=rescinded, comment="Lapsed")

    funds = opportunity_funds(opp)
    assert funds["obligated"] == Decimal("12000000.00")  # 10M grant + 20M x 10% loan
    assert funds["available"] == Decimal("88000000.00")
    by_instrument = {row["instrument"]: (row["obligated"], row["awards"]) for row in funds["by_instrument"]}
    assert by_instrument["grant"] == (Decimal("10000000.00"), 1)
    assert by_instrument["loan"] == (Decimal("2000000.00"), 1)
    assert by_instrument["purchase_commitment"] == (Decimal("0.00"), 0)
    by_mineral = {row["name"]: (row["obligated"], row["awards"]) for row in funds["by_mineral"]}
    # The two-mineral project's award counts in full under each mineral.
    assert by_mineral == {"lithium": (Decimal("12000000.00"), 2), "cobalt": (Decimal("10000000.00"), 1)}
    assert grant.obligation.amount + loan.obligation.amount == funds["obligated"]


def test_other_users_cannot_see_awards():
    award = issue(negotiation_app())
    from awards.models import Award

    assert list(Award.objects.visible_to(aor_of(award.application.organization))) == [award]
    assert list(Award.objects.visible_to(issuing_officer())) == [award]
    assert not Award.objects.visible_to(UserFactory()).exists()
    assert not Award.objects.visible_to(UserFactory(reviewer=True)).exists()
