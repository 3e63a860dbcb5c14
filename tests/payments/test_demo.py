"""The demo's latest historical award has payments drawn."""

import io

import pytest
from django.core.management import call_command

from payments import selectors
from payments.choices import PaymentRequestStatus
from payments.demo import latest_historical_award
from payments.models import PaymentRequest

pytestmark = pytest.mark.django_db


def test_latest_historical_award_has_payments_drawn_and_a_request_to_decide():
    call_command("load_demo", "--allow-default-password", stdout=io.StringIO())
    award = latest_historical_award()
    statuses = list(PaymentRequest.objects.filter(award=award).values_list("status", flat=True))
    assert statuses.count(PaymentRequestStatus.PAID) >= 1
    assert PaymentRequestStatus.REQUESTED in statuses
    drawn = selectors.drawn_amount(award)
    assert 0 < drawn <= award.federal_amount
    count = len(statuses)
    call_command("load_demo", "--allow-default-password", stdout=io.StringIO())  # a second run adds nothing
    assert PaymentRequest.objects.filter(award=award).count() == count
