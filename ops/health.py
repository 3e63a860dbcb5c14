"""GET /healthz: the database, the broker and the worker heartbeat (api.md).

``status`` is "ok" when all three are, else "degraded"; the answer is 503 only when the
database is down (the web process can do nothing useful then), 200 otherwise, so a load
balancer keeps serving pages while the broker or the workers recover.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)
OK, DOWN, STALE, UNKNOWN = "ok", "unavailable", "stale", "unknown"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return OK
    except DatabaseError as exc:
        logger.warning("Health: database unavailable: %r", exc)
        return DOWN


def check_broker() -> str:
    from celery import current_app

    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0,
                                   timeout=settings.HEALTH_BROKER_TIMEOUT)
            # Redis: opening the channel PINGs the server; the filesystem transport checks
            # that its folders exist.
            conn.default_channel.queue_declare(queue=current_app.conf.task_default_queue,
                                               durable=True, auto_delete=False)
        return OK
    except Exception as exc:  # any transport's connection error
        logger.warning("Health: broker unavailable: %r", exc)
        return DOWN


def heartbeat_stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=2 * settings.WORKER_HEARTBEAT_SECONDS)


def check_worker(database: str) -> tuple[str, dt.datetime | None]:
    """"ok" if beat scheduled and a worker ran the heartbeat within 2 periods, else "stale"."""
    if database != OK:
        return UNKNOWN, None
    from .models import Heartbeat
    from .tasks import HEARTBEAT

    try:
        beat = Heartbeat.objects.filter(name=HEARTBEAT).first()
    except DatabaseError:
        return UNKNOWN, None
    if beat is None:
        return STALE, None
    fresh = timezone.now() - beat.at <= heartbeat_stale_after()
    return (OK if fresh else STALE), beat.at


@never_cache
@require_GET
def healthz(request):
    database = check_database()
    broker = check_broker()
    worker, last_seen = check_worker(database)
    status = "ok" if database == broker == worker == OK else "degraded"
    body = {"status": status, "database": database, "broker": broker, "worker": worker,
            "worker_last_seen": last_seen.isoformat() if last_seen else None}
    return JsonResponse(body, status=503 if database != OK else 200)
