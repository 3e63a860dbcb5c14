"""SF-270 payment requests: the AOR requests, an officer approves, rejects or marks paid,
through the lifecycle door; approved totals never exceed the federal amount."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.choices import MemberRole
from applications.choices import Instrument
from applications.models import TransitionLog
from audit.models import AuditEvent
from dpa_funding.errors import ConditionsUnmet, InvalidTransition, NotPermitted
from notifications.choices import NotificationKind
from notifications.models import Notification
from payments import selectors, services
from payments.choices import PaymentRequestStatus
from payments.models import PaymentRequest
from tests.factories import MembershipFactory, UserFactory
from tests.payments.factories import accepted_award, aor, officer

pytestmark = pytest.mark.django_db


def _body(award, amount="250000.00", **overrides):
    return {"request_type": "reimbursement", "amount": amount,
            "period_start": str(award.period_start), "period_end": str(award.period_start + dt.timedelta(days=89)),
            **overrides}


def _url(award):
    return f"/api/v1/awards/{award.pk}/payment-requests/"


def _request(award, amount="250000.00"):
    return services.payment_request_create(
        actor=aor(award), award=award, request_type="advance", amount=Decimal(amount),
        period_start=award.period_start, period_end=award.period_start + dt.timedelta(days=89))


def _fire(item, name, actor, **data):
    return services.payment_request_transition(actor=actor, request_id=item.pk, name=name, data=data)


def test_aor_requests_a_payment_and_officers_are_told(client_for, grant, recipient, po):
    grant.application.opportunity.program_officers.add(po)
    response = client_for(recipient).post(_url(grant), _body(grant))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "requested" and body["amount"] == "250000.00"
    assert body["request_type"] == "reimbursement" and body["award_number"] == grant.award_number
    assert body["available_transitions"] == []  # the recipient cannot decide
    item = PaymentRequest.objects.get()
    [log] = TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(PaymentRequest),
                                         object_id=item.pk)
    assert (log.transition, log.from_state, log.to_state) == ("request", "", "requested")
    assert AuditEvent.objects.filter(object_type="payments.paymentrequest", object_id=item.pk).exists()
    [note] = Notification.objects.filter(recipient=po)
    assert note.kind == NotificationKind.PAYMENT_REQUEST and grant.award_number in note.subject


def test_every_field_error_comes_back_at_once(client_for, grant, recipient):
    response = client_for(recipient).post(_url(grant), {
        "request_type": "loan", "amount": "-5.00", "period_start": "2020-01-01", "period_end": "2019-01-01"})
    assert response.status_code == 400
    assert {"request_type", "amount", "period_start", "period_end"} <= set(response.json()), response.json()
    assert not PaymentRequest.objects.exists()


def test_a_request_beyond_what_remains_is_refused(grant, po):
    first = _request(grant, "900000.00")
    _fire(first, "approve", po)
    with pytest.raises(Exception) as exc:
        _request(grant, "100000.01")
    assert "amount" in exc.value.errors


def test_only_the_aor_requests_strangers_see_nothing(client_for, grant):
    contributor = MembershipFactory(organization=grant.application.organization, role=MemberRole.CONTRIBUTOR).user
    assert client_for(contributor).post(_url(grant), _body(grant)).status_code == 403
    assert client_for(officer()).post(_url(grant), _body(grant)).status_code == 403
    assert client_for(UserFactory()).post(_url(grant), _body(grant)).status_code == 404
    assert client_for(UserFactory()).get(_url(grant)).status_code == 404
    assert not PaymentRequest.objects.exists()


def test_loans_have_no_payment_requests(client_for):
    loan = accepted_award(instrument=Instrument.LOAN)
    response = client_for(aor(loan)).post(_url(loan), _body(loan))
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_officer_approves_then_marks_paid_and_the_recipient_sees_it(client_for, grant, recipient, po):
    item = _request(grant)
    officer_client = client_for(po)
    listed = officer_client.get(f"/api/v1/payment-requests/{item.pk}/transitions/").json()
    assert [t["name"] for t in listed["results"]] == ["approve", "reject"]
    response = officer_client.post(f"/api/v1/payment-requests/{item.pk}/transitions/approve/", {"comment": "OK"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved" and response.json()["available_transitions"] == ["mark_paid"]
    assert selectors.drawn_amount(grant) == Decimal("0.00")  # approved is not yet paid
    response = officer_client.post(f"/api/v1/payment-requests/{item.pk}/transitions/mark_paid/", {})
    assert response.json()["status"] == "paid" and response.json()["paid_at"]
    assert selectors.drawn_amount(grant) == Decimal("250000.00")
    item.refresh_from_db()
    assert item.decided_by == po and item.decision_comment == "OK"
    notes = Notification.objects.filter(recipient=recipient, kind=NotificationKind.PAYMENT_REQUEST)
    assert [n.subject.rsplit(": ", 1)[1] for n in notes.order_by("id")] == ["approved", "paid"]
    page = client_for(recipient).get(_url(grant)).json()
    assert page["count"] == 1 and page["results"][0]["status"] == "paid"


def test_approval_beyond_the_federal_amount_is_conditions_unmet_and_changes_nothing(client_for, grant, po):
    big = _request(grant, "800000.00")
    second = _request(grant, "200000.01")
    _fire(big, "approve", po)
    response = client_for(po).post(f"/api/v1/payment-requests/{second.pk}/transitions/approve/", {})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "conditions_unmet" and "more than the award's federal amount" in body["unmet"][0]
    second.refresh_from_db()
    assert second.status == PaymentRequestStatus.REQUESTED and second.decided_at is None
    # Exactly the federal amount is allowed.
    third = _request(grant, "200000.00")
    assert _fire(third, "approve", po).status == PaymentRequestStatus.APPROVED


def test_rejection_needs_a_comment_addressed_to_the_recipient(client_for, grant, recipient, po):
    item = _request(grant)
    response = client_for(po).post(f"/api/v1/payment-requests/{item.pk}/transitions/reject/", {"comment": " "})
    assert response.status_code == 400 and response.json()["code"] == "conditions_unmet"
    _fire(item, "reject", po, comment="Documentation of costs incurred is missing.")
    body = client_for(recipient).get(f"/api/v1/payment-requests/{item.pk}/").json()
    assert body["status"] == "rejected" and body["decision_comment"].startswith("Documentation")
    log = TransitionLog.objects.filter(object_id=item.pk, transition="reject").get()
    assert not log.comment_internal


def test_recipients_cannot_decide_and_paid_needs_approved(grant, recipient, po):
    item = _request(grant)
    with pytest.raises(NotPermitted):
        _fire(item, "approve", recipient)
    with pytest.raises(InvalidTransition):
        _fire(item, "mark_paid", po)
    item.refresh_from_db()
    assert item.status == PaymentRequestStatus.REQUESTED


def test_the_officer_queue_lists_requests_awaiting_a_decision(client_for, grant, po):
    waiting = _request(grant)
    decided = _request(grant, "1000.00")
    _fire(decided, "approve", po)
    other = accepted_award()
    _request(other)
    body = client_for(po).get("/api/v1/payment-requests/?status=requested&page_size=1").json()
    assert body["count"] == 2 and body["next"]
    mine = client_for(aor(grant)).get("/api/v1/payment-requests/").json()
    assert {r["id"] for r in mine["results"]} == {waiting.pk, decided.pk}


def test_approval_on_an_award_no_longer_accepted_is_refused(po):
    from awards.choices import AwardStatus

    award = accepted_award()
    item = _request(award)
    from awards.models import Award
    Award.objects.filter(pk=award.pk).update(status=AwardStatus.DECLINED)  # test setup only
    with pytest.raises(ConditionsUnmet) as exc:
        _fire(item, "approve", po)
    assert "accepted award" in exc.value.unmet[0]
