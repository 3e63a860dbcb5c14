"""Every periodic task in the beat schedule names a task the worker actually registers."""

from django.conf import settings

from dpa_funding.celery import app as celery_app


def test_every_beat_entry_names_a_registered_task():
    celery_app.loader.import_default_modules()  # what a worker does at start-up
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert names >= {
        "notifications.tasks.sweep_reminders",
        "awards.tasks.requeue_stalled_letters",
        "applications.tasks.purge_idempotency_records",
    }
    missing = names - set(celery_app.tasks)
    assert not missing, f"beat schedules unregistered tasks: {missing}"
