"""Celery entry points for notifications: thin, idempotent, take ids.

Beat schedule (dpa_funding/settings/base.py, CELERY_BEAT_SCHEDULE):
``notifications.tasks.sweep_reminders`` every ``REMINDER_SWEEP_SECONDS`` (default 300 s). Any
number of beat processes or overlapping runs is safe: the reminder log's unique key decides.
"""

import smtplib

from celery import shared_task

from . import services


@shared_task(name="notifications.tasks.sweep_reminders", ignore_result=True)
def sweep_reminders() -> dict:
    """One reminder sweep, then re-queue emails whose on-commit queueing was lost."""
    from ops import metrics

    with metrics.REMINDER_SWEEP_SECONDS.time():
        sent = services.reminders_sweep()
        requeued = services.notifications_requeue_unsent()
    metrics.REMINDERS_SENT.inc(len(sent))
    return {"sent": len(sent), "requeued": requeued}


@shared_task(
    name="notifications.tasks.send_notification_emails",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30, retry_backoff_max=900, retry_jitter=True, max_retries=8,
    ignore_result=True,
)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Send the emails still owed for these notifications (already-sent ones are skipped)."""
    return services.notification_emails_send(notification_ids=notification_ids)


@shared_task(
    name="notifications.tasks.notify_application_transition",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30, retry_backoff_max=900, retry_jitter=True, max_retries=8,
    ignore_result=True,
)
def notify_application_transition(transition_log_id: int) -> int:
    """Write the notices of one application transition, then send their emails; owed through
    the outbox by the transition. Safe to run twice: nothing is written or sent again."""
    owed = services.application_transition_notify(transition_log_id=transition_log_id)
    return services.notification_emails_send(notification_ids=owed)
