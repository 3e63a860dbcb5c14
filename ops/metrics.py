"""Prometheus metrics: the application's own, next to django-prometheus's request metrics.

Counters and histograms live in each process (web and worker). With several processes on
one host (gunicorn workers, the Celery pool) set ``PROMETHEUS_MULTIPROC_DIR`` to a directory
they share (empty at start): the /metrics view then adds up every process's values, the
worker's letters and sweeps included. Gauges that describe shared state (queue depth,
outbox backlog, letters by status) are read at scrape time instead, so they are right
whichever process answers.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

TRANSITIONS = Counter("dpa_transitions_total", "State changes committed, by model and transition.",
                      ["model", "transition"])
LETTERS_RENDERED = Counter("dpa_award_letters_rendered_total", "Award letters rendered and stored.")
LETTERS_FAILED = Counter("dpa_award_letters_failed_total",
                         "Award letters given up on after the last retry.")
REMINDER_SWEEP_SECONDS = Histogram(
    "dpa_reminder_sweep_duration_seconds", "Duration of one reminder sweep.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300))
REMINDERS_SENT = Counter("dpa_reminders_sent_total", "Deadline reminders and escalations sent.")
OUTBOX_PUBLISHED = Counter("dpa_outbox_published_total", "Outbox tasks published to the broker.")


class SharedStateCollector:
    """Gauges read at scrape time from the broker and the database."""

    def collect(self):
        from celery import current_app
        from django.db.models import Count

        from awards.models import Award

        from .models import OutboxMessage

        depth = GaugeMetricFamily("dpa_queue_depth", "Messages waiting in a Celery queue.",
                                  labels=["queue"])
        queues = {current_app.conf.task_default_queue}
        queues |= {route.get("queue") for route in (settings.CELERY_TASK_ROUTES or {}).values()
                   if isinstance(route, dict) and route.get("queue")}
        try:
            with current_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=settings.HEALTH_BROKER_TIMEOUT)
                channel = conn.default_channel
                for queue in sorted(queues):
                    ok = channel.queue_declare(queue=queue, durable=True, auto_delete=False)
                    depth.add_metric([queue], ok.message_count)
        except Exception as exc:  # broker down: no sample rather than a wrong one
            logger.warning("Metrics: queue depth unavailable: %r", exc)
        yield depth

        backlog = GaugeMetricFamily("dpa_outbox_backlog", "Outbox tasks not yet published.")
        letters = GaugeMetricFamily("dpa_award_letters", "Award letters by status.",
                                    labels=["status"])
        try:
            backlog.add_metric([], OutboxMessage.objects.count())
            for row in Award.objects.values("letter_status").annotate(n=Count("pk")).order_by():
                letters.add_metric([row["letter_status"]], row["n"])
        except DatabaseError as exc:
            logger.warning("Metrics: database gauges unavailable: %r", exc)
        yield backlog
        yield letters


def exposition() -> bytes:
    """This process's metrics (or every process's, in multiprocess mode) plus shared state."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    shared = CollectorRegistry(auto_describe=False)
    shared.register(SharedStateCollector())
    return generate_latest(processes) + generate_latest(shared)


def _allowed(request) -> bool:
    """A bearer token equal to METRICS_TOKEN, or a client address in METRICS_ALLOWED_IPS.

    The address is REMOTE_ADDR, never X-Forwarded-For (which any client can write)."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and secrets.compare_digest(
            header.removeprefix("Bearer ").strip(), token):
        return True
    try:
        addr = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(addr in ipaddress.ip_network(net, strict=False)
               for net in settings.METRICS_ALLOWED_IPS)


@never_cache
def metrics_view(request):
    if not _allowed(request):
        return HttpResponseForbidden("Metrics are restricted.", content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
