"""Concurrent award issuance on real PostgreSQL: the budget and the numbering hold.

Each thread has its own database connection (Django opens one per thread) and closes it
at the end; a Barrier releases all attempts at once so they really contend.
"""

import threading
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Sum

from applications.choices import ApplicationStatus, Instrument
from applications.models import Application
from applications.services import application_transition
from awards.models import Award, AwardNumberSequence, Obligation
from awards.services import fiscal_year_of
from dpa_funding.errors import ConditionsUnmet
from tests.awards.factories import issuing_officer, negotiation_app
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = 20
ROOM_FOR = 7
AMOUNT = Decimal("10000000.00")


def _race(app_ids, officer):
    """Fire the award transition on every application at once; return {app_id: outcome}."""
    barrier = threading.Barrier(len(app_ids))
    outcomes: dict[int, object] = {}

    def attempt(app_id):
        try:
            barrier.wait(timeout=30)
            application_transition(application_id=app_id, name="award", actor=officer)
            outcomes[app_id] = "ok"
        except Exception as exc:  # recorded and asserted on below
            outcomes[app_id] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(pk,)) for pk in app_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "an award attempt hung (deadlock?)"
    return outcomes


def _setup(instrument=Instrument.GRANT, ceiling=AMOUNT * ROOM_FOR + Decimal("5000000.00")):
    # Ceiling leaves room for exactly ROOM_FOR awards (plus a remainder too small for another).
    opp = OpportunityFactory(instruments=list(Instrument.values), budget_ceiling=ceiling)
    apps = [negotiation_app(opportunity=opp, instrument=instrument, federal_amount=AMOUNT)
            for _ in range(ATTEMPTS)]
    return opp, [a.pk for a in apps]


def _assert_gap_free():
    sequences = sorted(Award.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1))
    numbers = sorted(Award.objects.values_list("award_number", flat=True))
    fy = Award.objects.first().fiscal_year
    assert numbers == [f"DPA3-FY{fy % 100:02d}-{n:04d}" for n in range(1, len(numbers) + 1)]
    assert AwardNumberSequence.objects.get(fiscal_year=fy).last_number == len(numbers)


def test_twenty_concurrent_awards_against_room_for_seven_exactly_seven_succeed():
    opp, app_ids = _setup()
    outcomes = _race(app_ids, issuing_officer())

    successes = [pk for pk, result in outcomes.items() if result == "ok"]
    failures = [result for result in outcomes.values() if result != "ok"]
    assert len(outcomes) == ATTEMPTS
    assert len(successes) == ROOM_FOR, outcomes
    assert all(isinstance(f, ConditionsUnmet) for f in failures), failures
    assert all("budget remains" in f.unmet[0] for f in failures)

    obligated = Obligation.objects.active().filter(opportunity=opp).aggregate(s=Sum("amount"))["s"]
    assert obligated == AMOUNT * ROOM_FOR <= opp.budget_ceiling
    assert Award.objects.count() == Obligation.objects.count() == ROOM_FOR
    assert set(Award.objects.values_list("application_id", flat=True)) == set(successes)
    assert Application.objects.filter(status=ApplicationStatus.AWARDED).count() == ROOM_FOR
    assert Application.objects.filter(status=ApplicationStatus.NEGOTIATION).count() == ATTEMPTS - ROOM_FOR
    _assert_gap_free()


def test_concurrent_loans_obligate_the_subsidy_and_stop_at_the_ceiling():
    # 10M loans at the default 10% subsidy obligate 1M each: room for 7 in a 7.5M ceiling.
    opp, app_ids = _setup(Instrument.LOAN, ceiling=Decimal("7500000.00"))
    outcomes = _race(app_ids, issuing_officer())
    assert sum(1 for r in outcomes.values() if r == "ok") == ROOM_FOR
    obligated = Obligation.objects.active().filter(opportunity=opp).aggregate(s=Sum("amount"))["s"]
    assert obligated == Decimal("7000000.00") <= opp.budget_ceiling
    _assert_gap_free()


def test_attempts_failing_after_drawing_their_number_leave_no_gap():
    opp, app_ids = _setup()
    real_create = Obligation.objects.create
    calls = {"n": 0}
    lock = threading.Lock()
    doomed_calls = {2, 5}  # the 2nd and 5th issuances crash after drawing their number

    def create(**kwargs):
        with lock:
            calls["n"] += 1
            n = calls["n"]
        if n in doomed_calls:
            raise RuntimeError(f"storage failure after drawing {kwargs['award'].award_number}")
        return real_create(**kwargs)

    with mock.patch.object(Obligation.objects, "create", side_effect=create):
        outcomes = _race(app_ids, issuing_officer())

    crashed = [pk for pk, r in outcomes.items() if isinstance(r, RuntimeError)]
    assert len(crashed) == 2
    # The crashed attempts drew numbers 0002 and 0005 before failing; both were returned.
    assert sorted(str(outcomes[pk]).rsplit("-", 1)[1] for pk in crashed) == ["0002", "0004"]
    assert sum(1 for r in outcomes.values() if r == "ok") == ROOM_FOR  # crashes freed their room
    assert not Award.objects.filter(application_id__in=crashed).exists()
    assert set(Application.objects.filter(pk__in=crashed).values_list("status", flat=True)) == {
        ApplicationStatus.NEGOTIATION}
    _assert_gap_free()
    award = Award.objects.first()
    assert award.fiscal_year == fiscal_year_of(award.issued_at)
