"""Loan servicing: disbursements within the principal, repayments applied to the derived
schedule (interest first, then principal, to the cent), loan status and delinquency."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from applications.choices import Instrument
from audit.models import AuditEvent
from awards.schedule import build_schedule
from dpa_funding.errors import ValidationFailed
from notifications.choices import NotificationKind
from notifications.models import Notification
from payments import selectors, services, servicing
from payments.models import Delinquency, Repayment
from tests.payments.factories import accepted_award, aor, officer

pytestmark = pytest.mark.django_db

D = Decimal
FIRST_DUE = dt.date(2026, 1, 15)
# 1,000,000.00 at 6% a year, 12 monthly payments from 2026-01-15 (r = 0.005):
# P = 1e6 * 0.005 / (1 - 1.005^-12) = 86,066.4303... -> 86,066.43 (rounded half-up).
PAYMENT = D("86066.43")


def _loan(**loan):
    return accepted_award(instrument=Instrument.LOAN, federal_amount=D("1000000.00"),
                          period_start=dt.date(2025, 6, 1), period_end=dt.date(2028, 6, 1),
                          loan={"first_payment_date": FIRST_DUE, **loan})


def _at(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 17, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def loan(db):
    award = _loan()
    with _at(dt.date(2025, 12, 1)):
        services.disbursement_record(actor=officer(), award=award, amount=D("1000000.00"),
                                     disbursed_on=dt.date(2025, 11, 30))
    return award


def _repay(award, amount, on):
    with _at(on):
        return services.repayment_record(actor=officer(), award=award, amount=D(amount), received_on=on)


def _split(repayment):
    return [(a.installment, a.interest, a.principal) for a in repayment.allocations.order_by("installment")]


def test_the_schedule_the_tests_rely_on():
    rows = build_schedule(_loan().loan.inputs())
    assert rows[0].payment == PAYMENT and rows[0].interest == D("5000.00") and rows[0].principal == D("81066.43")
    assert rows[1].interest == D("4594.67") and rows[1].principal == D("81471.76")  # 918,933.57 x 0.005


def test_repayments_pay_interest_first_then_principal_oldest_installment_first_to_the_cent(loan):
    # 90,000.00: installment 1 in full (5,000.00 + 81,066.43), then 3,933.57 of installment 2's
    # 4,594.67 interest and none of its principal.
    first = _repay(loan, "90000.00", dt.date(2026, 1, 15))
    assert _split(first) == [(1, D("5000.00"), D("81066.43")), (2, D("3933.57"), D("0.00"))]
    assert (first.interest_applied, first.principal_applied) == (D("8933.57"), D("81066.43"))
    # 1,000.00: the remaining 661.10 of installment 2's interest, then 338.90 of its principal.
    second = _repay(loan, "1000.00", dt.date(2026, 2, 10))
    assert _split(second) == [(2, D("661.10"), D("338.90"))]
    # Installment 2 is then owed exactly its principal minus 338.90.
    with _at(dt.date(2026, 2, 10)):
        status = selectors.loan_status(loan)
    assert status["next_due_date"] == dt.date(2026, 2, 15)
    assert status["next_due_amount"] == D("81471.76") - D("338.90")
    assert status["principal_repaid"] == D("81066.43") + D("338.90")
    assert status["interest_paid"] == D("8933.57") + D("661.10")
    assert status["principal_outstanding"] == D("1000000.00") - status["principal_repaid"]


def test_paying_the_whole_schedule_repays_the_principal_exactly(loan):
    rows = build_schedule(loan.loan.inputs())
    total = sum((r.payment for r in rows), D("0"))
    repayment = _repay(loan, str(total), dt.date(2026, 1, 10))
    assert repayment.principal_applied == D("1000000.00")
    assert repayment.interest_applied == sum((r.interest for r in rows), D("0"))
    with _at(dt.date(2026, 1, 10)):
        status = selectors.loan_status(loan)
    assert status["principal_outstanding"] == D("0.00") and status["next_due_date"] is None
    with pytest.raises(ValidationFailed) as exc:
        _repay(loan, "0.01", dt.date(2026, 1, 10))
    assert "remaining balance" in exc.value.errors["amount"][0]


def test_principal_not_yet_disbursed_cannot_be_repaid():
    award = _loan()
    with _at(dt.date(2025, 12, 1)):
        services.disbursement_record(actor=officer(), award=award, amount=D("50000.00"),
                                     disbursed_on=dt.date(2025, 12, 1))
    with pytest.raises(ValidationFailed) as exc:
        _repay(award, "60000.00", dt.date(2026, 1, 15))  # 5,000 interest + 55,000 principal > 50,000
    assert "only $50,000.00 has been disbursed" in exc.value.errors["amount"][0]
    assert not Repayment.objects.exists()


def test_disbursements_stop_at_the_principal_with_every_error_at_once(client_for):
    award = _loan()
    po = officer()
    url = f"/api/v1/awards/{award.pk}/disbursements/"
    with _at(dt.date(2025, 12, 1)):
        ok = client_for(po).post(url, {"amount": "600000.00", "disbursed_on": "2025-11-30", "note": "Tranche 1"})
        assert ok.status_code == 201, ok.json()
        over = client_for(po).post(url, {"amount": "400000.01", "disbursed_on": "2026-01-01"})
        assert over.status_code == 400
        assert "more than the principal" in over.json()["amount"][0] and "disbursed_on" in over.json()
        assert client_for(aor(award)).post(url, {"amount": "1.00", "disbursed_on": "2025-11-30"}).status_code == 403
        listed = client_for(aor(award)).get(url).json()
    assert listed["count"] == 1 and listed["results"][0]["amount"] == "600000.00"
    assert selectors.drawn_amount(award) == D("600000.00")


def test_loan_status_is_the_api_md_shape_and_counts_days_past_due(client_for, loan):
    with _at(dt.date(2026, 2, 20)):  # installments 1 (Jan 15) and 2 (Feb 15) unpaid
        body = client_for(aor(loan)).get(f"/api/v1/awards/{loan.pk}/loan-status/").json()
    assert {"principal_disbursed", "principal_outstanding", "next_due_date", "past_due_amount",
            "days_past_due", "delinquent"} <= set(body)
    assert body["principal_disbursed"] == "1000000.00" and body["principal_outstanding"] == "1000000.00"
    assert body["next_due_date"] == "2026-03-15"
    assert body["past_due_amount"] == str(PAYMENT * 2)
    assert body["days_past_due"] == 36 and body["delinquent"] is True


def test_non_loans_have_no_loan_status(client_for, grant, recipient):
    assert client_for(recipient).get(f"/api/v1/awards/{grant.pk}/loan-status/").status_code == 404
    assert client_for(recipient).get(f"/api/v1/awards/{grant.pk}/repayments/").status_code == 404


def test_delinquency_starts_thirty_days_after_the_due_date():
    schedule = build_schedule(_loan().loan.inputs())
    at_29 = servicing.position(schedule=schedule, paid=[], disbursed=D("1"), today=FIRST_DUE + dt.timedelta(days=29))
    at_30 = servicing.position(schedule=schedule, paid=[], disbursed=D("1"), today=FIRST_DUE + dt.timedelta(days=30))
    assert (at_29.days_past_due, at_29.delinquent) == (29, False)
    assert (at_30.days_past_due, at_30.delinquent) == (30, True)
    on_due_day = servicing.position(schedule=schedule, paid=[], disbursed=D("1"), today=FIRST_DUE)
    assert on_due_day.past_due_amount == 0 and on_due_day.next_due_date == FIRST_DUE


def test_the_beat_job_marks_once_notifies_officer_and_aor_and_cures_on_repayment(loan):
    po = officer()
    loan.application.opportunity.program_officers.add(po)
    recipient = aor(loan)
    with _at(dt.date(2026, 2, 13)):  # installment 1 is 29 days late
        assert services.loans_mark_delinquency()["marked"] == 0
    with _at(dt.date(2026, 2, 14)):  # 30 days
        assert services.loans_mark_delinquency()["marked"] == 1
        assert services.loans_mark_delinquency() == {"marked": 0, "cured": 0, "checked": 1}  # idempotent
    assert selectors.delinquent_award_ids() == {loan.pk}
    [episode] = Delinquency.objects.all()
    assert (episode.installment, episode.past_due_amount) == (1, PAYMENT)
    notes = Notification.objects.filter(kind=NotificationKind.LOAN_DELINQUENCY)
    assert sorted(n.recipient_id for n in notes) == sorted([po.pk, recipient.pk])
    assert AuditEvent.objects.filter(object_type="awards.award", object_id=loan.pk, action="mark_delinquent").exists()

    _repay(loan, str(PAYMENT), dt.date(2026, 2, 14))  # installment 1 paid: no longer past due
    episode.refresh_from_db()
    assert episode.cured_at is not None and selectors.delinquent_award_ids() == set()
    with _at(dt.date(2026, 2, 14)):
        assert services.loans_mark_delinquency()["marked"] == 0
    assert Notification.objects.filter(kind=NotificationKind.LOAN_DELINQUENCY).count() == 2


def test_a_loan_with_nothing_disbursed_owes_nothing():
    award = _loan()
    with _at(dt.date(2026, 6, 1)):
        status = selectors.loan_status(award)
        assert services.loans_mark_delinquency()["marked"] == 0
    assert status["past_due_amount"] == D("0.00") and not status["delinquent"]


def test_repayments_api_lists_allocations(client_for, loan):
    po = officer()
    with _at(dt.date(2026, 1, 15)):
        response = client_for(po).post(f"/api/v1/awards/{loan.pk}/repayments/",
                                       {"amount": "5000.00", "received_on": "2026-01-15", "reference": "PAYGOV-1"})
    assert response.status_code == 201, response.json()
    assert response.json()["allocations"] == [
        {"installment": 1, "due_date": "2026-01-15", "interest": "5000.00", "principal": "0.00"}]
    listed = client_for(aor(loan)).get(f"/api/v1/awards/{loan.pk}/repayments/").json()
    assert listed["count"] == 1 and listed["results"][0]["interest_applied"] == "5000.00"


def test_an_imported_loan_without_terms_is_404_not_an_error(client_for, client):
    from awards.models import LoanTerms

    award = _loan()
    LoanTerms.objects.filter(award=award).delete()  # as award_import leaves a historical loan
    for path in ("loan-status", "disbursements", "repayments"):
        assert client_for(aor(award)).get(f"/api/v1/awards/{award.pk}/{path}/").status_code == 404
    assert services.loans_mark_delinquency()["checked"] == 0
    client.force_login(aor(award))
    page = client.get(f"/payments/awards/{award.pk}/")
    assert page.status_code == 200 and b"cannot be serviced here" in page.content
