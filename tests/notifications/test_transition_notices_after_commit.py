"""Transition notices are written by a worker after the transition commits: the request only
owes them (one outbox row naming the transition log); the task finds the recipients in one
query, renders, writes each notice once and sends each email once, however often it runs."""

from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import MemberRole
from applications.choices import ApplicationStatus
from applications.models import Application, TransitionLog
from applications.services import application_transition
from notifications import emails, services
from notifications.models import Notification
from notifications.tasks import notify_application_transition
from ops import outbox
from ops.models import OutboxMessage
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, aor_of

pytestmark = pytest.mark.django_db
TASK = "notifications.tasks.notify_application_transition"


def _submitted_without_running_callbacks(capture):
    """Submit an application with two members and a named officer; on-commit callbacks are
    captured, not run (nothing is published: what the request alone did stays visible)."""
    officer = UserFactory(officer=True)
    app = ApplicationFactory(ready=True)
    app.opportunity.program_officers.set([officer])
    contributor = MembershipFactory(organization=app.organization, role=MemberRole.CONTRIBUTOR).user
    with capture(execute=False) as callbacks:
        application_transition(application_id=app.pk, name="submit", actor=aor_of(app.organization))
    log = TransitionLog.objects.get(object_id=app.pk, transition="submit")
    return app, log, officer, contributor, callbacks


def test_the_submit_request_writes_no_notice_and_renders_no_template(client_for,
                                                                     django_capture_on_commit_callbacks):
    app = ApplicationFactory(ready=True)
    aor = aor_of(app.organization)
    with mock.patch.object(emails, "render", wraps=emails.render) as render, \
            CaptureQueriesContext(connection) as queries, \
            django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(aor).post(f"/api/v1/applications/{app.pk}/transitions/submit/",
                                        {"comment": ""}, format="json")
    assert response.status_code == 200 and response.json()["status"] == ApplicationStatus.SUBMITTED
    render.assert_not_called()
    assert not Notification.objects.exists()
    touched = [q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert touched == []  # neither the notices nor the preferences are read or written
    log = TransitionLog.objects.get(object_id=app.pk, transition="submit")
    assert [m.args for m in OutboxMessage.objects.filter(task=TASK)] == [[log.pk]]
    assert callbacks  # the owed task is published right after commit


def test_the_task_tells_members_and_officers_once_each_and_sends_each_email_once(
        django_capture_on_commit_callbacks, celery_eager):
    app, log, officer, contributor, _ = _submitted_without_running_callbacks(django_capture_on_commit_callbacks)
    aor = aor_of(app.organization)
    mail.outbox.clear()

    assert notify_application_transition(log.pk) == 3
    notices = Notification.objects.filter(transition_log=log)
    assert sorted(notices.values_list("recipient_id", "kind")) == sorted([
        (aor.pk, "application_status"), (contributor.pk, "application_status"), (officer.pk, "new_submission")])
    assert not notices.filter(email_pending=True).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([aor.email, contributor.email, officer.email])
    assert all(n.created_at == log.at and n.object_id == app.pk for n in notices)

    # Delivered again (the relay is at-least-once): nothing more is written or sent.
    with mock.patch.object(emails, "render") as render:
        assert notify_application_transition(log.pk) == 0
    render.assert_not_called()
    assert notices.count() == 3 and len(mail.outbox) == 3


def test_a_task_that_wrote_the_notices_but_died_before_emailing_is_finished_by_the_next_delivery(
        django_capture_on_commit_callbacks, celery_eager):
    app, log, *_ = _submitted_without_running_callbacks(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    owed = services.application_transition_notify(transition_log_id=log.pk)  # then the worker dies
    assert len(owed) == 3 and not mail.outbox
    assert services.application_transition_notify(transition_log_id=log.pk) == owed  # nothing new

    assert notify_application_transition(log.pk) == 3
    assert notify_application_transition(log.pk) == 0
    assert len(mail.outbox) == 3 and Notification.objects.count() == 3


def test_the_task_finds_every_recipient_in_one_query(django_capture_on_commit_callbacks):
    app, log, officer, contributor, _ = _submitted_without_running_callbacks(django_capture_on_commit_callbacks)
    inactive = MembershipFactory(organization=app.organization, role=MemberRole.CONTRIBUTOR).user
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    with CaptureQueriesContext(connection) as queries:
        services.application_transition_notify(transition_log_id=log.pk)
    user_reads = [q["sql"] for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]]
    assert len(user_reads) == 1
    assert "notifications_notificationpreference" in user_reads[0]
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {aor_of(app.organization).pk, contributor.pk, officer.pk}


def test_a_failing_receiver_never_fails_the_transition(client_for, django_capture_on_commit_callbacks):
    app = ApplicationFactory(ready=True)
    with mock.patch.object(services, "application_transition_notices_owe", side_effect=RuntimeError("boom")), \
            django_capture_on_commit_callbacks(execute=True):
        response = client_for(aor_of(app.organization)).post(
            f"/api/v1/applications/{app.pk}/transitions/submit/", {"comment": ""}, format="json")
    assert response.status_code == 200
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.SUBMITTED
    assert TransitionLog.objects.filter(object_id=app.pk, transition="submit").exists()


def test_a_failing_task_never_fails_the_transition_and_its_notices_stay_owed(
        client_for, django_capture_on_commit_callbacks, celery_eager):
    app = ApplicationFactory(ready=True)
    aor = aor_of(app.organization)
    with mock.patch.object(emails, "render", side_effect=RuntimeError("template broke")), \
            django_capture_on_commit_callbacks(execute=True):
        response = client_for(aor).post(f"/api/v1/applications/{app.pk}/transitions/submit/",
                                        {"comment": ""}, format="json")
    assert response.status_code == 200
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.SUBMITTED
    assert not Notification.objects.exists()
    [owed] = OutboxMessage.objects.filter(task=TASK)
    assert owed.attempts == 1 and "template broke" in owed.last_error

    outbox.relay_all()  # beat's next relay, the template fixed
    assert Notification.objects.filter(recipient=aor, kind="application_status").count() == 1
    assert not OutboxMessage.objects.exists()


def test_a_rolled_back_transition_owes_no_notice(django_capture_on_commit_callbacks):
    from django.db import transaction

    app = ApplicationFactory(ready=True)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        application_transition(application_id=app.pk, name="submit", actor=aor_of(app.organization))
        raise RuntimeError("rolled back")
    assert not OutboxMessage.objects.exists() and not Notification.objects.exists()


def test_the_award_notice_names_the_award_and_links_to_it(django_capture_on_commit_callbacks, celery_eager):
    from tests.awards.factories import issue, negotiation_app

    app = negotiation_app()
    aor = aor_of(app.organization)
    with django_capture_on_commit_callbacks(execute=False):  # the letter is not the point here
        award = issue(app)
    mail.outbox.clear()
    notify_application_transition(TransitionLog.objects.get(object_id=app.pk, transition="award").pk)
    note = Notification.objects.get(recipient=aor, object_id=app.pk, kind="application_status",
                                    transition_log__transition="award")
    assert note.subject.startswith(f"Award {award.award_number} issued: accept by ")
    assert note.url == f"/awards/{award.pk}/"
    assert award.award_number in note.body and f"/awards/{award.pk}/" in note.body
    assert any(m.to == [aor.email] and m.subject == note.subject for m in mail.outbox)
