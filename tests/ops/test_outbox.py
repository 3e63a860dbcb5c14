"""The transactional outbox: tasks owed by a change commit with it and are published once."""

from unittest import mock

import pytest
from django.db import connection, transaction

from dpa_funding.request_context import request_id_var
from ops import outbox
from ops.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)
TASK = "ops.tasks.heartbeat"


def _delay_of(name):
    from celery import current_app

    current_app.loader.import_default_modules()  # what a worker does at start-up
    return mock.patch.object(current_app.tasks[name], "delay")


def test_a_rolled_back_change_owes_nothing():
    with _delay_of(TASK) as delay:
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.enqueue(TASK)
            raise RuntimeError("rollback")
    assert not OutboxMessage.objects.exists()
    delay.assert_not_called()


def test_committed_rows_are_published_after_commit_and_deleted():
    with _delay_of("notifications.tasks.send_notification_emails") as delay:
        with transaction.atomic():
            outbox.enqueue("notifications.tasks.send_notification_emails", [1, 2])
            delay.assert_not_called()  # nothing leaves before the commit
    delay.assert_called_once_with([1, 2])
    assert not OutboxMessage.objects.exists()


def test_a_failed_publish_keeps_the_row_for_the_beat_relay():
    with _delay_of(TASK) as delay:
        delay.side_effect = ConnectionRefusedError("broker down")
        with transaction.atomic():
            outbox.enqueue(TASK)
        message = OutboxMessage.objects.get()
        assert message.attempts == 1 and "broker down" in message.last_error

        delay.side_effect = None
        delay.reset_mock()
        assert outbox.relay_all() == 1
    delay.assert_called_once_with()
    assert not OutboxMessage.objects.exists()


def test_rows_locked_by_another_relay_are_skipped_not_published_twice():
    with _delay_of(TASK) as delay:
        delay.side_effect = ConnectionRefusedError("broker down")
        with transaction.atomic():
            outbox.enqueue(TASK)
        delay.side_effect = None
        delay.reset_mock()
        pk = OutboxMessage.objects.get().pk
        # A second connection holds the row as a concurrent relay would.
        from django.db import connections

        other = connections.create_connection("default")
        try:
            other.set_autocommit(False)
            with other.cursor() as cursor:
                cursor.execute(f"SELECT id FROM {OutboxMessage._meta.db_table} WHERE id = %s FOR UPDATE", [pk])
                assert outbox.relay() == 0
            other.rollback()
        finally:
            other.close()
        assert outbox.relay() == 1
    delay.assert_called_once_with()
    assert connection.vendor == "postgresql"


def test_the_request_id_is_restored_while_publishing():
    seen = []
    with _delay_of(TASK) as delay:
        delay.side_effect = lambda *a, **k: seen.append(request_id_var.get())
        token = request_id_var.set("req-outbox-1234")
        try:
            with transaction.atomic():
                delay.side_effect = ConnectionRefusedError("down")
                outbox.enqueue(TASK)
        finally:
            request_id_var.reset(token)
        delay.side_effect = lambda *a, **k: seen.append(request_id_var.get())
        outbox.relay_all()  # beat: no request of its own
    assert seen == ["req-outbox-1234"]
    assert request_id_var.get() is None


@pytest.mark.django_db
def test_transition_notices_are_owed_with_the_state_change_and_delivered_by_the_relay(
        django_capture_on_commit_callbacks, celery_eager, settings):
    """A crash right after commit (no on-commit callback ever runs) loses nothing: the notices
    are owed by an outbox row committed with the transition; beat's relay delivers them."""
    from django.core import mail

    from applications.models import TransitionLog
    from applications.services import application_transition
    from notifications.models import Notification
    from tests.factories import ApplicationFactory, aor_of

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    app = ApplicationFactory(ready=True)
    aor = aor_of(app.organization)
    with django_capture_on_commit_callbacks(execute=False):
        application_transition(application_id=app.pk, name="submit", actor=aor)
    log = TransitionLog.objects.get(object_id=app.pk, transition="submit")
    rows = OutboxMessage.objects.filter(task="notifications.tasks.notify_application_transition")
    assert [row.args for row in rows] == [[log.pk]]
    notices = Notification.objects.filter(object_id=app.pk)
    assert not notices.exists()

    mail.outbox.clear()
    outbox.relay_all()  # beat, with the worker in process
    assert notices.filter(recipient=aor, transition_log=log).exists()
    assert not notices.filter(email_pending=True).exists()
    assert aor.email in [m.to[0] for m in mail.outbox]
    assert not OutboxMessage.objects.exists()


def test_the_kick_publishes_and_deletes_in_three_statements():
    from django.test.utils import CaptureQueriesContext

    with _delay_of(TASK) as delay:
        delay.side_effect = ConnectionRefusedError("broker down")
        with transaction.atomic():
            message = outbox.enqueue(TASK, 7, flag=True)
        delay.side_effect = None
        delay.reset_mock()
        with CaptureQueriesContext(connection) as ctx:
            assert outbox.relay(ids=[message.pk]) == 1
    delay.assert_called_once_with(7, flag=True)
    statements = [q["sql"] for q in ctx.captured_queries]
    assert len(statements) == 3, statements  # BEGIN, take (delete ... returning), COMMIT
    assert statements[0] == "BEGIN" and statements[1].startswith("DELETE")
    assert statements[2] == "COMMIT"
    assert not OutboxMessage.objects.exists()


def test_a_failed_publish_puts_the_rest_of_the_batch_back_as_it_was():
    """Published rows stay deleted; the failed one comes back with attempts+1 and its error,
    the ones after it untouched (same id, age and attempts); no such task is counted too."""
    with _delay_of(TASK) as delay:
        delay.side_effect = ConnectionRefusedError("down")
        with transaction.atomic():
            unknown = outbox.enqueue("ops.tasks.no_such_task", 0)
            first, second, third = (outbox.enqueue(TASK, n) for n in (1, 2, 3))
        before = {m.pk: m for m in OutboxMessage.objects.all()}
        assert {m.attempts for m in before.values()} == {1}  # each kick failed once
        delay.reset_mock()

        outcomes = iter([None, ConnectionRefusedError("broker gone again")])

        def publish(*args, **kwargs):
            outcome = next(outcomes)
            if outcome:
                raise outcome

        delay.side_effect = publish
        assert outbox.relay() == 1
    assert [c.args for c in delay.call_args_list] == [(1,), (2,)]
    after = {m.pk: m for m in OutboxMessage.objects.all()}
    assert set(after) == {second.pk, third.pk, unknown.pk}
    assert after[second.pk].attempts == 2 and "broker gone again" in after[second.pk].last_error
    assert after[third.pk].attempts == 1 and after[third.pk].last_error == before[third.pk].last_error
    assert after[unknown.pk].attempts == 2 and "no task named" in after[unknown.pk].last_error
    for pk, message in after.items():
        assert (message.args, message.kwargs, message.created_at, message.request_id) == (
            before[pk].args, before[pk].kwargs, before[pk].created_at, before[pk].request_id)
    assert first.pk not in after
