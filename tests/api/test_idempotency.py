"""The idempotency wrapper's transactions (dpa_funding.api.idempotency), on a view of its own.

Real commits (transaction=True): the work runs in the claim's transaction without a
savepoint, and a view that raises leaves nothing behind (no rows, no on-commit callbacks)
while its 4xx is recorded and replayed.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from applications.models import IdempotencyRecord
from dpa_funding.api.idempotency import idempotent
from ops.models import Heartbeat
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/api/v1/idempotency-probe/"


class Probe(APIView):
    """Writes a heartbeat row and queues an on-commit callback, then does what ``outcome`` says."""

    runs: list[str] = []
    committed: list[str] = []
    handled: list = []  # callables run by handle_exception, i.e. after the rollback

    @idempotent
    def post(self, request):
        outcome = request.data["outcome"]
        Probe.runs.append(outcome)
        Heartbeat.objects.create(name=f"probe-{len(Probe.runs)}", at=timezone.now())
        transaction.on_commit(lambda: Probe.committed.append(outcome))
        if outcome == "invalid":
            raise exceptions.ValidationError({"outcome": ["Refused after writing."]})
        if outcome == "unavailable":
            raise exceptions.APIException("Try later.")  # 500: not recorded
        if outcome == "crash":
            raise RuntimeError("unhandled")
        if outcome == "returned-400":
            return Response({"detail": "Returned.", "code": "invalid"}, status=400)
        return Response({"done": outcome}, status=201)

    def handle_exception(self, exc):
        for call in Probe.handled:
            call()
        return super().handle_exception(exc)


@pytest.fixture
def post():
    Probe.runs, Probe.committed, Probe.handled = [], [], []
    user = UserFactory()
    view = Probe.as_view()

    def call(outcome, key="k-1"):
        request = APIRequestFactory().post(PATH, {"outcome": outcome}, format="json",
                                           HTTP_IDEMPOTENCY_KEY=key)
        force_authenticate(request, user)
        return view(request)

    call.user = user
    return call


def test_the_work_runs_in_the_claims_transaction_without_a_savepoint(post):
    with CaptureQueriesContext(connection) as ctx:
        response = post("ok")
    assert response.status_code == 201
    statements = [q["sql"] for q in ctx.captured_queries]
    assert not [s for s in statements if "SAVEPOINT" in s], statements
    # BEGIN, the claim, the work, the record, COMMIT.
    assert len(statements) == 5, statements
    assert statements[0] == "BEGIN" and statements[-1] == "COMMIT"
    assert Probe.committed == ["ok"] and Heartbeat.objects.count() == 1
    assert IdempotencyRecord.objects.get(key="k-1").response_status == 201


def test_a_failed_request_leaves_no_work_behind_and_its_replay_returns_the_same_4xx(post):
    first = post("invalid")
    assert first.status_code == 400 and first.data["outcome"] == ["Refused after writing."]
    assert not Heartbeat.objects.exists()  # the work rolled back
    assert Probe.committed == []  # its on-commit callback was discarded with it
    record = IdempotencyRecord.objects.get(key="k-1")
    assert record.response_status == 400 and record.response_body == first.data

    replay = post("invalid")
    assert replay.status_code == 400 and replay.data == first.data
    assert replay["Idempotent-Replayed"] == "true"
    assert Probe.runs == ["invalid"]  # not run again
    assert post("ok").status_code == 422  # the key is taken by that body


def test_a_4xx_returned_without_raising_is_recorded_with_its_work(post):
    assert post("returned-400").status_code == 400
    assert Heartbeat.objects.count() == 1 and Probe.committed == ["returned-400"]
    assert IdempotencyRecord.objects.get(key="k-1").response_status == 400


def test_a_duplicate_that_took_the_key_after_the_rollback_keeps_it(post):
    """The 4xx's second claim finds a live record (a duplicate waiting on our claim ran once
    we rolled back): our 4xx is answered, not recorded over the duplicate's."""
    Probe.handled.append(lambda: IdempotencyRecord.objects.create(
        user=post.user, key="k-1", scope=f"POST {PATH}", request_hash="0" * 64,
        response_status=201, response_body={"done": "by the duplicate"}))
    response = post("invalid")
    assert response.status_code == 400 and "Idempotent-Replayed" not in response
    record = IdempotencyRecord.objects.get(key="k-1")
    assert record.response_status == 201 and record.response_body == {"done": "by the duplicate"}


def test_server_errors_and_unhandled_errors_are_not_recorded(post):
    assert post("unavailable").status_code == 500
    with pytest.raises(RuntimeError):
        post("crash", key="k-2")
    assert not IdempotencyRecord.objects.exists() and not Heartbeat.objects.exists()
    assert Probe.committed == []
    # The connection is usable and the keys are free: a retry does the work.
    assert post("ok").status_code == 201 and post("ok", key="k-2").status_code == 201
    assert Heartbeat.objects.count() == 2
