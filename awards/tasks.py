"""Celery entry points for awards: thin wrappers around ``awards.letters`` services.

The letter task acknowledges late (a worker killed mid-render gets the message
redelivered), retries transient failures with exponential backoff and jitter, and after
the last retry records the failure on the award so officers can see it and regenerate.
Backoff stays far below the Redis visibility timeout (3600 s): a countdown longer than
that would make Redis redeliver the waiting message and run it twice.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task
from celery.signals import worker_init, worker_process_init
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import letters

logger = logging.getLogger(__name__)

# Worth another try: storage or network I/O (OSError includes ConnectionError and
# TimeoutError) and a database that went away or hit a lock timeout / serialization error.
TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError)
LETTER_MAX_RETRIES = getattr(settings, "LETTER_MAX_RETRIES", 5)
LETTER_RETRY_BACKOFF = getattr(settings, "LETTER_RETRY_BACKOFF", 5)
LETTER_RETRY_BACKOFF_MAX = getattr(settings, "LETTER_RETRY_BACKOFF_MAX", 600)
# A loan letter takes about a second; a render still running after 2 minutes is stuck.
# The soft limit raises inside the task, so on_failure records it (prefork pool only).
LETTER_SOFT_TIME_LIMIT = getattr(settings, "LETTER_SOFT_TIME_LIMIT", 120)


class LetterTask(Task):
    """Marks the award's letter failed when the task gives up (or fails for good)."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        award_id = kwargs.get("award_id", args[0] if args else None)
        version = kwargs.get("version", args[1] if len(args) > 1 else None)
        attempts = self.request.retries + 1
        reason = (f"Letter generation failed after {attempts} attempt{'s' if attempts != 1 else ''}: "
                  f"{type(exc).__name__}: {exc}")
        logger.error("Award %s letter v%s: %s", award_id, version, reason)
        if award_id is None or version is None:
            return
        try:
            letters.award_letter_mark_failed(award_id=award_id, version=version, reason=reason,
                                             attempts=attempts)
        except Exception:  # the database may be what failed; the log line above remains
            logger.exception("Could not record the letter failure of award %s", award_id)


@shared_task(
    bind=True,
    base=LetterTask,
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=LETTER_RETRY_BACKOFF,
    retry_backoff_max=LETTER_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=LETTER_MAX_RETRIES,
    soft_time_limit=LETTER_SOFT_TIME_LIMIT,
    time_limit=LETTER_SOFT_TIME_LIMIT + 60,
)
def generate_award_letter(self, award_id: int, version: int) -> None:
    """Render and store the letter of award ``award_id`` for terms ``version`` (idempotent)."""
    from .models import Award

    try:
        letters.award_letter_generate(award_id=award_id, version=version,
                                      attempt=self.request.retries + 1)
    except Award.DoesNotExist:
        # The issuing transaction rolled back or the award was deleted: nothing to render.
        logger.warning("Award %s no longer exists; letter v%s skipped", award_id, version)


@worker_init.connect
def _check_letter_fonts(**_kwargs) -> None:
    """At worker start-up: log an ERROR with the fix if HarfBuzz subsetting is missing."""
    letters.check_harfbuzz_subset()


@worker_process_init.connect
def _prepare_letter_renderer(**_kwargs) -> None:
    """In each forked pool process: build the shared renderer before the first letter.

    Building it after the fork means no process inherits its parent's fontconfig state,
    the first letter pays no set-up cost, and a broken stylesheet or font shows up in the
    log at start-up.  (The solo pool does not fork; it builds the renderer lazily.)
    """
    try:
        letters.get_renderer()
    except Exception:
        logger.exception("Award letter renderer could not be built; letters will fail")


@shared_task(ignore_result=True)
def requeue_stalled_letters() -> None:
    """Beat: re-send letters whose task was lost (e.g. broker down at issue time)."""
    letters.award_letters_requeue_stalled()
