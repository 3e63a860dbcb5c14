"""The request id travels from a web request into the Celery tasks it starts, and into logs."""

import json
import logging
import logging.config
import time

import pytest
from django.db import transaction

from dpa_funding.celery import app as celery_app
from dpa_funding.logging import ContextFilter, config
from dpa_funding.request_context import REQUEST_ID_HEADER, request_id_var

SEEN: list = []


@celery_app.task(name="tests.ops.record_request_id", ignore_result=True)
def record_request_id(tag):
    SEEN.append((tag, request_id_var.get()))


@pytest.fixture
def redis_worker():
    from celery.contrib.testing.worker import start_worker

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False,
                          shutdown_timeout=30) as worker:
            yield worker
    finally:
        celery_app.conf.task_always_eager = previous


def _wait_for(tags, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if {t for t, _ in SEEN} >= set(tags):
            return dict(SEEN)
        time.sleep(0.2)
    raise AssertionError(f"tasks {tags} did not run within {timeout} s: {SEEN}")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_task_runs_with_the_id_of_the_request_that_published_it(redis_worker):
    from ops import outbox

    SEEN.clear()
    token = request_id_var.set("req-from-web-0001")
    try:
        record_request_id.delay("direct")
        with transaction.atomic():  # and through the outbox, published on commit
            outbox.enqueue("tests.ops.record_request_id", "outbox")
    finally:
        request_id_var.reset(token)
    record_request_id.delay("no-request")  # e.g. beat: the task gets an id of its own
    seen = _wait_for({"direct", "outbox", "no-request"})
    assert seen["direct"] == "req-from-web-0001"
    assert seen["outbox"] == "req-from-web-0001"
    assert seen["no-request"] and seen["no-request"] != "req-from-web-0001"


def test_json_log_lines_carry_the_request_id():
    formatter = logging.config.DictConfigurator(config("json", "INFO")).configure_formatter(
        config("json", "INFO")["formatters"]["json"])
    record = logging.LogRecord("dpa.test", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    token = request_id_var.set("req-json-0001")
    try:
        ContextFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(formatter.format(record))
    assert line["message"] == "hello world"
    assert line["request_id"] == "req-json-0001"
    assert line["level"] == "INFO" and line["logger"] == "dpa.test"


@pytest.mark.django_db
def test_the_middleware_sets_the_id_the_response_echoes(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="upstream-id-12345")
    assert response[REQUEST_ID_HEADER] == "upstream-id-12345"


def test_django_request_error_lines_carry_the_id_of_their_request():
    """django.request logs 4xx/5xx after the middleware has reset the context variable."""
    from django.test import RequestFactory

    request = RequestFactory().get("/api/v1/nothing/")
    request.request_id = "req-after-middleware-1"
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found", (), None)
    record.request = request
    ContextFilter().filter(record)
    assert record.request_id == "req-after-middleware-1"
