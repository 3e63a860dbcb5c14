"""manage.py send_reminders runs one sweep and prints each reminder sent."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from notifications.tasks import sweep_reminders

from .conftest import DEADLINE
from .factories import assignment

pytestmark = pytest.mark.django_db


def test_command_prints_one_line_per_reminder_then_nothing_on_a_second_run():
    with time_machine.travel(DEADLINE - dt.timedelta(days=10), tick=False):
        a = assignment(due_at=DEADLINE)
    with time_machine.travel(DEADLINE - dt.timedelta(hours=20), tick=False):
        out = StringIO()
        call_command("send_reminders", stdout=out)
        lines = out.getvalue().splitlines()
        assert lines[0].split("\t") == ["review_due", f"{a} (#{a.pk})", a.reviewer.username,
                                        "24h before", "reminder"]
        assert lines[-1] == "1 reminder(s) sent."
        out = StringIO()
        call_command("send_reminders", stdout=out)
        assert out.getvalue().strip() == "0 reminder(s) sent."


def test_beat_task_runs_the_sweep():
    with time_machine.travel(DEADLINE - dt.timedelta(days=10), tick=False):
        assignment(due_at=DEADLINE)
    with time_machine.travel(DEADLINE - dt.timedelta(hours=20), tick=False):
        assert sweep_reminders.apply().get() == {"sent": 1, "requeued": 0}
