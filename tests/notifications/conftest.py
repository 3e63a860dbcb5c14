"""Fixtures for notification tests: fixed reminder settings, eager Celery, a sweep helper."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from notifications.services import reminders_sweep

EASTERN = ZoneInfo("America/New_York")
# Friday, December 11, 2026, 5:00 PM Eastern (EST): a typical federal deadline.
DEADLINE = dt.datetime(2026, 12, 11, 17, 0, tzinfo=EASTERN)
SITE = "https://dpa3.example.gov"


@pytest.fixture(autouse=True)
def _reminder_settings(settings, celery_eager):
    settings.REMINDER_OFFSETS_HOURS = [168, 24]
    settings.NOTIFICATION_REMINDER_GRACE_HOURS = 24
    settings.NOTIFICATION_DEADLINE_TIME_ZONE = "America/New_York"
    settings.SITE_URL = SITE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def sweep_at(django_capture_on_commit_callbacks):
    """sweep_at(moment) -> reminders sent by one sweep with the clock at ``moment``
    (on-commit callbacks run, so emails go to mail.outbox)."""

    def run(moment):
        with time_machine.travel(moment, tick=False), \
                django_capture_on_commit_callbacks(execute=True):
            return reminders_sweep()

    return run


def keys(sent) -> set[tuple]:
    """(kind, object id, recipient id, offset, escalation) of each reminder sent."""
    return {(s.kind, s.object_id, s.recipient_id, s.offset_hours, s.escalation) for s in sent}
