"""GET /healthz (api.md): database, broker and worker heartbeat; 503 only without a database."""

import datetime as dt
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone

from ops import health
from ops.models import Heartbeat
from ops.tasks import HEARTBEAT, heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_ok():
    with mock.patch.object(health, "check_broker", return_value=health.OK):
        yield


@pytest.mark.parametrize("path", ["/healthz", "/healthz/"])
def test_both_paths_answer_without_redirect_and_anonymously(client, path, broker_ok):
    heartbeat.apply()  # run the beat task in-process: a worker ran just now
    response = client.get(path)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {k: body[k] for k in ("database", "broker", "worker")} == {
        "database": "ok", "broker": "ok", "worker": "ok"}


def test_the_worker_is_stale_after_two_heartbeat_periods(client, settings, broker_ok):
    settings.WORKER_HEARTBEAT_SECONDS = 60
    Heartbeat.objects.create(name=HEARTBEAT, at=timezone.now() - dt.timedelta(seconds=115))
    assert client.get("/healthz").json()["worker"] == "ok"
    Heartbeat.objects.filter(name=HEARTBEAT).update(at=timezone.now() - dt.timedelta(seconds=125))
    body = client.get("/healthz").json()
    assert body["worker"] == "stale"
    assert body["status"] == "degraded"


def test_no_heartbeat_yet_is_stale(client, broker_ok):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"] == "stale"


def test_a_broker_that_refuses_connections_degrades_but_serves(client):
    from dpa_funding.celery import app as celery_app

    heartbeat.apply()
    original = celery_app.connection_for_write
    refused = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    with mock.patch.object(celery_app, "connection_for_write",
                           lambda *a, **k: original(refused)):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "unavailable"
    assert response.json()["status"] == "degraded"


def test_the_real_test_broker_is_ok(client):
    assert client.get("/healthz").json()["broker"] == "ok"


def test_database_down_is_503_with_the_json_body(client):
    with mock.patch.object(health.connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert response.json()["worker"] == "unknown"
    assert response.json()["status"] == "degraded"
