"""Celery entry points for post-award management: thin wrappers around services.

The modification letter task uses the award letter task's retry policy (late ack,
exponential backoff with jitter below the broker's visibility timeout).
"""

import logging

from celery import shared_task
from django.utils import timezone

from awards.tasks import (
    LETTER_MAX_RETRIES,
    LETTER_RETRY_BACKOFF,
    LETTER_RETRY_BACKOFF_MAX,
    LETTER_SOFT_TIME_LIMIT,
    TRANSIENT_ERRORS,
)

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=LETTER_RETRY_BACKOFF,
    retry_backoff_max=LETTER_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=LETTER_MAX_RETRIES,
    soft_time_limit=LETTER_SOFT_TIME_LIMIT,
    time_limit=LETTER_SOFT_TIME_LIMIT + 60,
)
def generate_modification_letter(modification_id: int) -> None:
    """Render and store the letter of an approved modification (idempotent)."""
    from .letters import modification_letter_generate
    from .models import Modification

    try:
        modification_letter_generate(modification_id=modification_id)
    except Modification.DoesNotExist:
        logger.warning("Modification %s no longer exists; letter skipped", modification_id)


@shared_task(ignore_result=True)
def requeue_stalled_modification_letters() -> None:
    """Beat: re-send letters whose task was lost (e.g. broker down at approval)."""
    from .letters import modification_letters_requeue_stalled

    modification_letters_requeue_stalled()


@shared_task(ignore_result=True)
def start_due_closeouts() -> int:
    """Accepted awards whose period of performance has ended enter closeout. Idempotent: each
    is fired with ``expected_status``, so a second or concurrent run changes nothing."""
    from awards.choices import AwardStatus
    from awards.models import Award
    from dpa_funding import lifecycle
    from dpa_funding.errors import DomainError

    started = 0
    due = Award.objects.filter(status=AwardStatus.ACCEPTED, period_end__lt=timezone.localdate())
    for pk in due.values_list("pk", flat=True).iterator():
        try:
            lifecycle.fire("award", pk, "start_closeout", actor=None, expected_status=AwardStatus.ACCEPTED)
            started += 1
        except DomainError:  # moved on meanwhile, or a guard now says no: the next run looks again
            continue
    return started
