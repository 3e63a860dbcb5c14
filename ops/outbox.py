"""A transactional outbox for Celery tasks.

``enqueue`` writes the task as a row in the caller's transaction, so the work owed by a
change commits (or rolls back) with the change itself. Two relays publish the rows:

- right after commit, the request that wrote a row publishes it (the "kick"): no delay when
  the broker is up;
- beat runs ``ops.tasks.relay_outbox`` every ``OUTBOX_RELAY_SECONDS``: whatever the kick could
  not publish (broker down, process killed between commit and publish) goes out then.

Each relay locks its rows with ``SELECT ... FOR UPDATE SKIP LOCKED``, publishes, and deletes
what it published in the same transaction, so concurrent relays never publish a row twice
while it is locked. A crash after publishing but before the delete commits can publish a
row again: every task behind the outbox is idempotent (letters per award version, emails per
notification row, transition notices per transition log), which turns at-least-once into
exactly-once effects.
"""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F

from dpa_funding.request_context import current_request_id, request_id_var

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> OutboxMessage:
    """Owe ``task`` (a Celery task or its registered name) with these JSON arguments.

    Call it inside the transaction whose change owes the task.
    """
    name = task if isinstance(task, str) else task.name
    message = OutboxMessage.objects.create(task=name, args=list(args), kwargs=kwargs,
                                           request_id=current_request_id() or "")
    # robust: the change is committed by then; a broker outage must not fail the request.
    transaction.on_commit(partial(relay, ids=[message.pk]), robust=True)
    return message


def relay(*, ids: list[int] | None = None, limit: int | None = None) -> int:
    """Publish up to ``limit`` owed tasks (only ``ids`` if given); returns how many went out.

    Stops at the first publish error (the broker is down: the rest would fail too) and
    leaves the unpublished rows for the next relay.
    """
    from celery import current_app

    limit = limit or settings.OUTBOX_BATCH
    published: list[int] = []
    with transaction.atomic():
        rows = OutboxMessage.objects.select_for_update(skip_locked=True).order_by("pk")
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        for message in rows[:limit]:
            task = _task(current_app, message.task)
            if task is None:
                _record_failure(message, f"no task named {message.task!r} is registered")
                continue
            token = request_id_var.set(message.request_id or None)
            try:
                task.delay(*message.args, **message.kwargs)
            except Exception as exc:
                logger.warning("Outbox: publishing %s failed, left for the next relay: %r",
                               message, exc)
                _record_failure(message, repr(exc))
                break
            finally:
                request_id_var.reset(token)
            published.append(message.pk)
        if published:
            OutboxMessage.objects.filter(pk__in=published).delete()
    if published:
        from . import metrics

        metrics.OUTBOX_PUBLISHED.inc(len(published))
    return len(published)


def relay_all(*, max_batches: int = 20) -> int:
    """Relay batches until the outbox is drained, the broker fails, or ``max_batches``."""
    total = 0
    for _ in range(max_batches):
        n = relay()
        total += n
        if n < settings.OUTBOX_BATCH:
            break
    return total


def _task(app, name: str):
    """The registered task ``name``; a web process imports the task modules on first use."""
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks.get(name)


def _record_failure(message: OutboxMessage, error: str) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=F("attempts") + 1,
                                                       last_error=error[:2000])
