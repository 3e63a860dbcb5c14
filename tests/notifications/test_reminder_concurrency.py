"""Two sweeps at the same moment on real PostgreSQL send each reminder once."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection

from notifications.models import Notification, ReminderLog
from notifications.services import reminders_sweep

from .conftest import DEADLINE
from .factories import assignment

H = dt.timedelta(hours=1)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_no_duplicate():
    assert connection.vendor == "postgresql"
    created = [assignment(due_at=DEADLINE) for _ in range(25)]
    mail.outbox.clear()
    barrier = threading.Barrier(2)
    results: list[list] = [[], []]
    errors: list[BaseException] = []

    def run(slot: int):
        try:
            barrier.wait(timeout=30)
            results[slot] = reminders_sweep(now=DEADLINE - 23 * H)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    sent = results[0] + results[1]
    assert sorted(s.object_id for s in sent) == sorted(a.pk for a in created)
    assert ReminderLog.objects.count() == 25
    assert Notification.objects.count() == 25
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.reviewer.email for a in created)
    # And a third sweep afterwards finds nothing left to send.
    assert reminders_sweep(now=DEADLINE - 22 * H) == []
