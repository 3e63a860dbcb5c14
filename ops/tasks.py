"""Beat-driven operations tasks: the outbox relay and the worker heartbeat."""

from celery import shared_task
from django.utils import timezone

from . import outbox
from .models import Heartbeat

HEARTBEAT = "worker"


@shared_task(name="ops.tasks.relay_outbox", ignore_result=True)
def relay_outbox() -> int:
    """Publish every task still owed by committed transactions (see ops.outbox)."""
    return outbox.relay_all()


@shared_task(bind=True, name="ops.tasks.heartbeat", ignore_result=True)
def heartbeat(self) -> None:
    """Record that beat scheduled and a worker ran a task just now (read by /healthz)."""
    Heartbeat.objects.update_or_create(
        name=HEARTBEAT, defaults={"at": timezone.now(), "hostname": self.request.hostname or ""})
