"""Idempotency-Key on POST /applications/ and on transitions (api.md)."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from applications.models import Application, IdempotencyRecord, TransitionLog
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    OpportunityFactory,
    ProjectFactory,
    UserFactory,
    aor_of,
)

pytestmark = pytest.mark.django_db


def body_for(project, opp, title="Idempotent plant"):
    return {"opportunity": opp.pk, "organization": project.organization_id, "project": project.pk, "title": title,
            "instrument": "grant", "federal_amount_requested": "1000000.00", "cost_share_amount": "1000000.00",
            "budget": {"equipment": "2000000.00"}}


@pytest.fixture
def setup(client_for):
    project = ProjectFactory()
    MembershipFactory(organization=project.organization)
    return client_for(aor_of(project.organization)), project, OpportunityFactory()


def test_same_key_and_body_replays_the_first_response_without_creating_twice(setup):
    client, project, opp = setup
    first = client.post("/api/v1/applications/", body_for(project, opp), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post("/api/v1/applications/", body_for(project, opp), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Application.objects.count() == 1


def test_same_key_with_different_body_is_422(setup):
    client, project, opp = setup
    client.post("/api/v1/applications/", body_for(project, opp), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    response = client.post("/api/v1/applications/", body_for(project, opp, title="Other"), format="json",
                           HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Application.objects.count() == 1


def test_keys_are_per_user_and_requests_without_key_are_not_deduplicated(setup):
    client, project, opp = setup
    colleague = MembershipFactory(organization=project.organization).user
    other = APIClient()
    other.force_authenticate(colleague)
    client.post("/api/v1/applications/", body_for(project, opp), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.post("/api/v1/applications/", body_for(project, opp), format="json",
                      HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201
    client.post("/api/v1/applications/", body_for(project, opp), format="json")
    assert Application.objects.count() == 3


def test_key_expires_after_24_hours(setup):
    client, project, opp = setup
    client.post("/api/v1/applications/", body_for(project, opp), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        again = client.post("/api/v1/applications/", body_for(project, opp), format="json",
                            HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Application.objects.count() == 2


def test_transition_replay_does_not_fire_twice(client_for):
    app = ApplicationFactory(ready=True)
    client = client_for(aor_of(app.organization))
    path = f"/api/v1/applications/{app.pk}/transitions/submit/"
    first = client.post(path, {"comment": ""}, format="json", HTTP_IDEMPOTENCY_KEY="submit-1")
    replay = client.post(path, {"comment": ""}, format="json", HTTP_IDEMPOTENCY_KEY="submit-1")
    assert first.status_code == replay.status_code == 200
    assert replay.json() == first.json() and replay.json()["status"] == "submitted"
    assert TransitionLog.objects.filter(object_id=app.pk).count() == 1
    # Without the key a retry is a new request: the state has moved on.
    assert client.post(path, {}, format="json").status_code == 409


def test_client_errors_are_recorded_and_replayed(client_for):
    app = ApplicationFactory()  # no documents: submit fails its guards
    client = client_for(aor_of(app.organization))
    path = f"/api/v1/applications/{app.pk}/transitions/submit/"
    first = client.post(path, {}, format="json", HTTP_IDEMPOTENCY_KEY="s")
    assert first.status_code == 400 and first.json()["code"] == "conditions_unmet"
    record = IdempotencyRecord.objects.get(key="s")
    assert record.response_status == 400 and record.scope == f"POST {path}"
    assert client.post(path, {}, format="json", HTTP_IDEMPOTENCY_KEY="s").json() == first.json()


def test_overlong_key_is_400(setup):
    client, project, opp = setup
    response = client.post("/api/v1/applications/", body_for(project, opp), format="json",
                           HTTP_IDEMPOTENCY_KEY="x" * 300)
    assert response.status_code == 400 and not Application.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_duplicates_create_one_application():
    project = ProjectFactory()
    MembershipFactory(organization=project.organization)
    user, opp = aor_of(project.organization), OpportunityFactory()
    barrier = threading.Barrier(4)
    results = []

    def run():
        client = APIClient()
        client.force_authenticate(user)
        barrier.wait()
        try:
            response = client.post("/api/v1/applications/", body_for(project, opp), format="json",
                                   HTTP_IDEMPOTENCY_KEY="race")
            results.append((response.status_code, response.json().get("id")))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert len(results) == 4
    assert {status for status, _ in results} == {201}
    assert len({pk for _, pk in results}) == 1
    assert Application.objects.count() == 1


def test_other_users_idempotency_record_does_not_leak(setup):
    client, project, opp = setup
    stranger = UserFactory()
    IdempotencyRecord.objects.create(user=stranger, key="k-1", scope="POST /api/v1/applications/",
                                     request_hash="0" * 64, response_status=201, response_body={"id": 999})
    response = client.post("/api/v1/applications/", body_for(project, opp), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201 and response.json()["id"] != 999


def test_purge_deletes_only_expired_records(setup):
    from dpa_funding.api.idempotency import idempotency_records_purge

    client, project, opp = setup
    client.post("/api/v1/applications/", body_for(project, opp), format="json", HTTP_IDEMPOTENCY_KEY="old")
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        client.post("/api/v1/applications/", body_for(project, opp), format="json", HTTP_IDEMPOTENCY_KEY="new")
        assert idempotency_records_purge() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
