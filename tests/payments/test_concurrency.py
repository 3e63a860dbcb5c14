"""Concurrent approvals and disbursements on real PostgreSQL: the award's lock holds.

Each thread has its own database connection (Django opens one per thread) and closes it in
``finally``, so none is left open when pytest-django flushes the database after the test;
a Barrier releases every attempt at once so they really contend.
"""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from applications.choices import Instrument
from dpa_funding.errors import ConditionsUnmet, ValidationFailed
from payments import services
from payments.choices import COMMITTED_STATUSES, PaymentRequestStatus
from payments.models import Disbursement, PaymentRequest
from tests.payments.factories import accepted_award, aor, officer

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = 16
FEDERAL = Decimal("1000000.00")
EACH = Decimal("150000.00")  # room for 6 (900,000.00); the 100,000.00 left fits no seventh
ROOM_FOR = 6


def _race(calls):
    """Run every callable at once, each in its own thread and connection; {index: outcome}."""
    barrier = threading.Barrier(len(calls))
    outcomes: dict[int, object] = {}

    def attempt(index, call):
        try:
            barrier.wait(timeout=30)
            call()
            outcomes[index] = "ok"
        except Exception as exc:  # recorded and asserted on below
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "an attempt hung (deadlock?)"
    return outcomes


def test_concurrent_approvals_never_exceed_the_federal_amount():
    award = accepted_award(federal_amount=FEDERAL)
    requests = [services.payment_request_create(
        actor=aor(award), award=award, request_type="reimbursement", amount=EACH,
        period_start=award.period_start, period_end=award.period_start + dt.timedelta(days=30))
        for _ in range(ATTEMPTS)]
    po = officer()
    outcomes = _race([
        (lambda pk=r.pk: services.payment_request_transition(actor=po, request_id=pk, name="approve"))
        for r in requests])

    failures = [o for o in outcomes.values() if o != "ok"]
    assert sum(1 for o in outcomes.values() if o == "ok") == ROOM_FOR, outcomes
    assert all(isinstance(f, ConditionsUnmet) for f in failures), failures
    committed = (PaymentRequest.objects.filter(award=award, status__in=COMMITTED_STATUSES)
                 .aggregate(s=Sum("amount"))["s"])
    assert committed == EACH * ROOM_FOR <= FEDERAL
    assert PaymentRequest.objects.filter(status=PaymentRequestStatus.REQUESTED).count() == ATTEMPTS - ROOM_FOR


def test_concurrent_disbursements_never_exceed_the_principal():
    loan = accepted_award(instrument=Instrument.LOAN, federal_amount=FEDERAL)
    po = officer()
    on = dt.date.today() - dt.timedelta(days=1)
    outcomes = _race([
        (lambda: services.disbursement_record(actor=po, award=loan, amount=EACH, disbursed_on=on))
        for _ in range(ATTEMPTS)])
    failures = [o for o in outcomes.values() if o != "ok"]
    assert len(failures) == ATTEMPTS - ROOM_FOR, outcomes
    assert all(isinstance(f, ValidationFailed) and "amount" in f.errors for f in failures), failures
    assert Disbursement.objects.filter(award=loan).aggregate(s=Sum("amount"))["s"] == EACH * ROOM_FOR
