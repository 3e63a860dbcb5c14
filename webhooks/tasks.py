"""Thin Celery entry points for webhook sends (services do the work; both are idempotent:
a delivery that is not due, or that another worker holds, is skipped)."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def deliver_webhook(delivery_id: int) -> None:
    services.delivery_attempt(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def send_due_webhooks() -> int:
    """Beat: retries whose backoff has elapsed, and sends whose queueing was lost."""
    due = services.deliveries_due()
    for pk in due:
        deliver_webhook.delay(pk)
    return len(due)
