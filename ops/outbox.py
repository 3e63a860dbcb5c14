"""A transactional outbox for Celery tasks.

``enqueue`` writes the task as a row in the caller's transaction, so the work owed by a
change commits (or rolls back) with the change itself. Two relays publish the rows:

- right after commit, the request that wrote a row publishes it (the "kick"): no delay when
  the broker is up;
- beat runs ``ops.tasks.relay_outbox`` every ``OUTBOX_RELAY_SECONDS``: whatever the kick could
  not publish (broker down, process killed between commit and publish) goes out then.

Each relay takes its rows with one statement, ``DELETE ... WHERE id IN (SELECT ... FOR UPDATE
SKIP LOCKED) RETURNING ...``, publishes them and commits: the deleted rows stay locked until
the commit, so concurrent relays skip them and never publish a row twice while it is locked;
the kick is BEGIN, that DELETE, COMMIT. What does not go out (the broker failed, no such
task) is inserted back as it was, with the attempt counted, in the same transaction, so no
other relay ever sees it missing and what did go out stays deleted. A crash after
publishing but before the commit puts every taken row back, to be published again: every
task behind the outbox is idempotent (letters per award version, emails per notification
row, transition notices per transition log), which turns at-least-once into exactly-once
effects.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from functools import partial
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction

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

    published = 0
    with transaction.atomic():
        rows = _take(ids, limit or settings.OUTBOX_BATCH)
        kept: list[_Row] = []
        for i, row in enumerate(rows):
            task = _task(current_app, row.task)
            if task is None:
                kept.append(_failed(row, f"no task named {row.task!r} is registered"))
                continue
            args, kwargs = json.loads(row.args), json.loads(row.kwargs)
            token = request_id_var.set(row.request_id or None)
            try:
                task.delay(*args, **kwargs)
            except Exception as exc:
                logger.warning("Outbox: publishing %s%s failed, left for the next relay: %r",
                               row.task, tuple(args), exc)
                kept += [_failed(row, repr(exc)), *rows[i + 1:]]
                break
            finally:
                request_id_var.reset(token)
            published += 1
        if kept:
            _put_back(kept)
    if published:
        from . import metrics

        metrics.OUTBOX_PUBLISHED.inc(published)
    return published


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


class _Row(NamedTuple):
    id: int
    task: str
    args: str  # JSON text, as stored
    kwargs: str
    request_id: str
    created_at: datetime
    attempts: int
    last_error: str


_TABLE = OutboxMessage._meta.db_table
_COLUMNS = ", ".join(_Row._fields)


def _take(ids: list[int] | None, limit: int) -> list[_Row]:
    """Delete and return up to ``limit`` rows (of ``ids`` if given) that no other relay holds,
    oldest first; they stay locked until this transaction ends."""
    only, params = ("WHERE id = ANY(%s::bigint[])", [list(ids)]) if ids is not None else ("", [])
    with connection.cursor() as cursor:
        # The table and columns are the model's own; every value is a parameter.
        cursor.execute(
            f"""DELETE FROM {_TABLE} WHERE id IN (
                    SELECT id FROM {_TABLE} {only} ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED)
                RETURNING id, task, args::text, kwargs::text, request_id, created_at, attempts,
                          last_error""",  # nosec B608
            [*params, limit],
        )
        return sorted(_Row(*row) for row in cursor.fetchall())  # RETURNING keeps no order


def _failed(row: _Row, error: str) -> _Row:
    return row._replace(attempts=row.attempts + 1, last_error=error[:2000])


def _put_back(rows: list[_Row]) -> None:
    """Insert taken rows back as they were (same id and age), in the taking transaction."""
    with connection.cursor() as cursor:
        cursor.executemany(
            f"""INSERT INTO {_TABLE} ({_COLUMNS})
                VALUES (%s, %s, %s::jsonb, %s::jsonb, %s, %s, %s, %s)""",  # nosec B608
            rows,
        )
