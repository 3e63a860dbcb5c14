"""A decided payment request is announced to the organization's webhook endpoints, written
in the decision's transaction and delivered signed to a real receiver."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import transaction

from payments import services
from tests.payments.factories import aor, officer
from tests.webhooks.conftest import documented_verifier, receiver_factory  # noqa: F401  (fixture)
from webhooks import services as webhook_services
from webhooks.choices import DeliveryStatus, EventType
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def _request(award):
    return services.payment_request_create(
        actor=aor(award), award=award, request_type="advance", amount=Decimal("125000.00"),
        period_start=award.period_start, period_end=award.period_start + dt.timedelta(days=89))


def test_approval_is_delivered_signed_to_the_real_receiver(grant, receiver_factory):  # noqa: F811
    receiver = receiver_factory(200)
    endpoint = WebhookEndpoint.objects.create(
        organization=grant.application.organization, url=receiver.url, created_by=aor(grant),
        event_types=[EventType.PAYMENT_REQUEST_DECIDED])
    item = _request(grant)
    assert not WebhookDelivery.objects.exists()  # a new request is not a decision
    services.payment_request_transition(actor=officer(), request_id=item.pk, name="approve",
                                        data={"comment": "Approved for the Q1 advance."})
    [delivery] = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert delivery.event_type == EventType.PAYMENT_REQUEST_DECIDED
    webhook_services.delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    [sent] = receiver.requests
    assert documented_verifier()(endpoint.secret, sent["headers"]["X-DPA-Signature"], sent["body"])
    data = json.loads(sent["body"])["data"]
    assert data["payment_request"] == item.pk and data["decision"] == "approve"
    assert data["award_number"] == grant.award_number and data["amount"] == "125000.00"
    assert data["to_state"] == "approved" and data["comment"] == "Approved for the Q1 advance."


def test_a_failed_approval_announces_nothing(grant, receiver_factory):  # noqa: F811
    WebhookEndpoint.objects.create(organization=grant.application.organization, url=receiver_factory().url,
                                   created_by=aor(grant), event_types=[EventType.PAYMENT_REQUEST_DECIDED])
    item = _request(grant)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.payment_request_transition(actor=officer(), request_id=item.pk, name="reject",
                                            data={"comment": "Missing invoices."})
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the decision's transaction fails after the event was written")
    assert not WebhookDelivery.objects.exists()
