"""Integration: a real Celery worker, consuming from Redis, renders and stores an award letter."""

import io
import os
import time

import pytest
from django.db import transaction
from pypdf import PdfReader

from applications.choices import Instrument
from awards.choices import LetterStatus
from awards.models import Award
from awards.services import award_issue
from dpa_funding.celery import app as celery_app
from tests.awards.factories import issuing_officer, negotiation_app

BROKER_URL = os.environ.get("LETTER_TEST_BROKER_URL",
                            os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/7"))


def _drop_broker_connections() -> None:
    """Forget the app's broker pool (as Celery does after a fork) so the next publish
    uses the broker URL now configured.  Not closed: kombu keeps pools in a global
    registry keyed by URL, and a closed one would be handed back to the next user."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_worker():
    """An embedded solo worker in a thread, consuming from Redis (not eager mode).

    Celery reads its broker from settings once, so point the app itself at the test
    broker, drop any pooled connection to the old one, and restore both afterwards.
    """
    from celery.contrib.testing.worker import start_worker

    previous = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = BROKER_URL
    celery_app.conf.task_always_eager = False
    _drop_broker_connections()
    celery_app.control.purge()  # leftovers of earlier runs on this db would only add noise
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False,
                          shutdown_timeout=30) as worker:
            yield worker
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous
        _drop_broker_connections()


def _wait_for_letter(award_id: int, timeout: float = 60.0) -> Award:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        award = Award.objects.get(pk=award_id)
        if award.letter_status != LetterStatus.PENDING:
            return award
        time.sleep(0.25)
    raise AssertionError(f"letter of award {award_id} still pending after {timeout} s")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_issuing_a_loan_award_queues_a_letter_that_a_redis_worker_renders(redis_worker, monkeypatch):
    # tests/awards/conftest.py stubs out .delay for every awards test; this one wants the
    # real message on the real broker.
    monkeypatch.undo()
    app = negotiation_app(instrument=Instrument.LOAN)

    with transaction.atomic():  # on commit, award_issue sends the task to Redis
        award = award_issue(application=app, actor=issuing_officer())

    award = _wait_for_letter(award.pk)
    assert award.letter_status == LetterStatus.READY, award.letter_error
    assert award.letter_version == award.terms_version
    with award.letter_file.open("rb") as fh:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(fh.read())).pages)
    assert award.award_number in text
    assert app.organization.uei in text
    assert "Appendix A: Repayment schedule" in text
