"""Signal hooks of the ops app.

Celery: the request id of the web request (or task) that publishes a task travels in the
message headers and is restored while the task runs, so every log line of the task, and
every audit event it writes, carries the id of the request that caused it.

Metrics: committed transitions are counted from the TransitionLog rows every state change
writes (applications.services.log_transition), once the transaction commits.
"""

from __future__ import annotations

import logging
import os

from celery.signals import (
    before_task_publish,
    task_postrun,
    task_prerun,
    worker_init,
    worker_ready,
)
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from dpa_funding.request_context import accept_or_new, current_request_id, request_id_var

HEADER = "request_id"
logger = logging.getLogger(__name__)


@before_task_publish.connect(dispatch_uid="ops.request_id.publish")
def _add_request_id(headers=None, **_kwargs):
    if headers is not None and not headers.get(HEADER):
        rid = current_request_id()
        if rid:
            headers[HEADER] = rid


@task_prerun.connect(dispatch_uid="ops.request_id.prerun")
def _restore_request_id(task=None, **_kwargs):
    # A task published outside any request (beat) gets its own id, so its lines still group.
    rid = getattr(task.request, HEADER, None) if task is not None else None
    request_id_var.set(accept_or_new(rid))


@task_postrun.connect(dispatch_uid="ops.request_id.postrun")
def _clear_request_id(**_kwargs):
    request_id_var.set(None)


@worker_init.connect(dispatch_uid="ops.metrics.worker_server")
def _serve_worker_metrics(**_kwargs):
    """WORKER_METRICS_PORT set: the worker serves its own /metrics (letters, sweeps) there,
    for hosts where the web process cannot read the worker's PROMETHEUS_MULTIPROC_DIR."""
    port = os.environ.get("WORKER_METRICS_PORT")
    if not port:
        return
    from prometheus_client import REGISTRY, CollectorRegistry, multiprocess, start_http_server

    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    # All interfaces: the worker's metrics port is opt-in and scraped from outside its container.
    start_http_server(int(port), addr=os.environ.get("WORKER_METRICS_ADDR", "0.0.0.0"),  # nosec B104
                      registry=registry)
    logger.info("Worker metrics on port %s", port)


@worker_ready.connect(dispatch_uid="ops.heartbeat.worker_ready")
def _first_heartbeat(sender=None, **_kwargs):
    """A fresh worker beats once through the broker at once, so /healthz need not wait a
    whole beat period after a start to call it alive; beat keeps it fresh afterwards."""
    from .tasks import heartbeat

    try:
        heartbeat.delay()
    except Exception:  # the broker may be down at start; beat will write it later
        logger.warning("First heartbeat could not be queued", exc_info=True)


def _connect_transition_metrics():
    from applications.models import TransitionLog

    from . import metrics

    @receiver(post_save, sender=TransitionLog, dispatch_uid="ops.metrics.transitions", weak=False)
    def _count(sender, instance, created, **_kwargs):
        if not created:
            return
        model = instance.content_type.model if instance.content_type_id else ""
        name = instance.transition

        def inc():
            metrics.TRANSITIONS.labels(model=model, transition=name).inc()
            if name == "letter_generated":
                metrics.LETTERS_RENDERED.inc()
            elif name == "letter_failed":
                metrics.LETTERS_FAILED.inc()

        transaction.on_commit(inc)


_connect_transition_metrics()
