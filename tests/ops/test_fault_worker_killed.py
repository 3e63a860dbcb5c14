"""Fault: a Celery worker SIGKILLed while it renders award letters loses none of them.

Letters ack late over Redis: a message stays in Redis's unacked set while its task runs.
When the worker dies with it (SIGKILL: no chance to ack, reject or clean up), Redis hands
the message to the next worker once the visibility timeout has passed, and the letter
task, idempotent per award version, renders what is missing and skips what is done.
"""

import hashlib
import signal
from pathlib import Path

import pytest
from django.db import transaction

from applications.models import TransitionLog
from awards.choices import LetterStatus
from awards.models import Award
from awards.services import award_issue
from tests.awards.factories import issuing_officer, negotiation_app

from .procs import app_env, celery_worker, database_url_of_tests, wait_until

AWARDS = 6
VISIBILITY = 20  # seconds; short so the test waits little for the redelivery


def _letters(ids):
    return dict(Award.objects.filter(pk__in=ids).values_list("pk", "letter_status"))


@pytest.mark.integration
@pytest.mark.timeout(600)
@pytest.mark.django_db(transaction=True)
def test_every_award_ends_with_exactly_one_letter_after_a_worker_is_killed(private_redis, tmp_path):
    officer = issuing_officer()
    ids = []
    for _ in range(AWARDS):
        app = negotiation_app()
        with transaction.atomic():  # the letter task is published on commit (outbox)
            ids.append(award_issue(application=app, actor=officer).pk)

    env = app_env(broker_url=private_redis.url, database_url=database_url_of_tests(), tmp=tmp_path,
                  CELERY_VISIBILITY_TIMEOUT=VISIBILITY)
    first = celery_worker(env, tmp_path / "worker1.log", name="first", tmp=tmp_path)
    second = None
    try:
        # Kill it once it has rendered at least one letter and still has some to do.
        wait_until(lambda: LetterStatus.READY in _letters(ids).values(), 240,
                   what=f"a first letter rendered\n{first.output()}")
        first.signal_group(signal.SIGKILL)
        first.popen.wait(30)
        left = [pk for pk, status in _letters(ids).items() if status != LetterStatus.READY]
        assert left, "the worker finished every letter before it was killed; nothing was tested"

        second = celery_worker(env, tmp_path / "worker2.log", name="second", tmp=tmp_path)
        wait_until(lambda: set(_letters(ids).values()) == {LetterStatus.READY}, 300,
                   interval=1, what=f"every letter rendered\n{second.output()}")
    finally:
        first.stop()
        if second:
            second.stop()

    media = Path(tmp_path) / "media"
    for award in Award.objects.filter(pk__in=ids):
        assert award.letter_version == award.terms_version
        stored = media / award.letter_file.name
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == award.letter_sha256
    # Exactly one letter per award: one "letter_generated" each, none given up on.
    generated = TransitionLog.objects.filter(transition="letter_generated", object_id__in=ids)
    assert sorted(generated.values_list("object_id", flat=True)) == sorted(ids)
    assert not TransitionLog.objects.filter(transition="letter_failed", object_id__in=ids).exists()
