"""Pages: the recipient requests a payment and follows it and its loan; officers decide
requests from the queue and record disbursements and repayments."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from applications.choices import Instrument
from payments import services
from payments.choices import PaymentRequestStatus
from payments.models import Delinquency, Disbursement, PaymentRequest
from tests.factories import UserFactory
from tests.payments.factories import accepted_award, aor, officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client
    return as_user


def test_recipient_requests_a_payment_from_the_page(login, grant, recipient):
    client = login(recipient)
    overview = client.get(reverse("payments:queue"))
    assert overview.status_code == 200 and grant.award_number.encode() in overview.content
    url = reverse("payments:award", args=[grant.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"Request a payment (SF-270)" in page.content
    assert b"$1,000,000.00" in page.content  # grouped dollars
    start = grant.period_start
    bad = client.post(reverse("payments:request", args=[grant.pk]), {
        "request_type": "advance", "amount": "2000000.00", "period_start": start, "period_end": start})
    assert bad.status_code == 400 and b"is not yet approved for payment" in bad.content
    done = client.post(reverse("payments:request", args=[grant.pk]), {
        "request_type": "advance", "amount": "1250.50", "period_start": start,
        "period_end": start + dt.timedelta(days=30)})
    assert done.status_code == 302
    item = PaymentRequest.objects.get()
    assert item.amount == Decimal("1250.50")
    page = client.get(url)
    assert b"Awaiting decision" in page.content and b"$1,250.50" in page.content
    assert b"Approve payment request" not in page.content  # no officer buttons for the recipient


def test_officer_decides_from_the_queue(login, grant, po):
    item = services.payment_request_create(
        actor=aor(grant), award=grant, request_type="reimbursement", amount=Decimal("5000.00"),
        period_start=grant.period_start, period_end=grant.period_start)
    client = login(po)
    queue = client.get(reverse("payments:queue"))
    assert queue.status_code == 200 and grant.award_number.encode() in queue.content
    refused = client.post(reverse("payments:decide", args=[item.pk, "reject"]), {"comment": "", "next": "queue"})
    assert refused.status_code == 302
    item.refresh_from_db()
    assert item.status == PaymentRequestStatus.REQUESTED  # a rejection needs a comment
    client.post(reverse("payments:decide", args=[item.pk, "approve"]),
                {"comment": "", "expected_status": "requested", "next": "queue"})
    item.refresh_from_db()
    assert item.status == PaymentRequestStatus.APPROVED
    page = client.get(reverse("payments:award", args=[grant.pk]))
    assert b"Mark paid" in page.content


def test_recipient_cannot_decide_and_strangers_get_404(login, grant, recipient):
    item = services.payment_request_create(
        actor=recipient, award=grant, request_type="reimbursement", amount=Decimal("5000.00"),
        period_start=grant.period_start, period_end=grant.period_start)
    assert login(recipient).post(reverse("payments:decide", args=[item.pk, "approve"])).status_code == 403
    stranger = login(UserFactory())
    assert stranger.get(reverse("payments:award", args=[grant.pk])).status_code == 404
    assert stranger.post(reverse("payments:decide", args=[item.pk, "approve"])).status_code == 404


def test_loan_page_shows_balance_schedule_and_lets_officers_record(login):
    loan = accepted_award(instrument=Instrument.LOAN, federal_amount=Decimal("120000.00"),
                          loan={"first_payment_date": dt.date(2026, 1, 15)})
    client = login(officer())
    with time_machine.travel(dt.datetime(2026, 3, 1, 17, tzinfo=dt.UTC), tick=False):
        recorded = client.post(reverse("payments:disburse", args=[loan.pk]),
                               {"amount": "120000.00", "disbursed_on": "2025-12-01", "note": "All at once"})
        assert recorded.status_code == 302 and Disbursement.objects.count() == 1
        over = client.post(reverse("payments:disburse", args=[loan.pk]),
                           {"amount": "0.01", "disbursed_on": "2025-12-01"})
        assert over.status_code == 400 and b"more than the principal" in over.content
        services.loans_mark_delinquency()
        assert Delinquency.objects.filter(award=loan).exists()  # Jan 15 unpaid 45 days
        queue = client.get(reverse("payments:queue"))
        assert loan.award_number.encode() in queue.content
        client.post(reverse("payments:repay", args=[loan.pk]), {"amount": "25000.00", "received_on": "2026-03-01"})
        page = login(aor(loan)).get(reverse("payments:award", args=[loan.pk]))
    assert page.status_code == 200
    assert b"Loan servicing" in page.content and b"$120,000.00" in page.content
    assert b"Record a repayment" not in page.content  # recipients read only
    assert b'id="installments"' in page.content and b'id="repayments"' in page.content
