"""Optional notifications: status changes to applicants, submissions to officers, new
assignments to reviewers; preferences turn them off, never deadline reminders."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.choices import MemberRole
from applications.services import application_transition
from notifications.models import Notification
from notifications.services import preferences_update
from reviews.services import assignment_create
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, aor_of

from .conftest import DEADLINE
from .factories import assignment

pytestmark = pytest.mark.django_db


def fire(capture, app, name, actor, **data):
    with capture(execute=True):
        return application_transition(application_id=app.pk, name=name, actor=actor, data=data)


def test_submission_notifies_every_member_and_the_opportunitys_officers(django_capture_on_commit_callbacks):
    officer, elsewhere = UserFactory(officer=True), UserFactory(officer=True)
    app = ApplicationFactory(ready=True)
    app.opportunity.program_officers.set([officer])
    aor = aor_of(app.organization)
    contributor = MembershipFactory(organization=app.organization, role=MemberRole.CONTRIBUTOR).user
    mail.outbox.clear()
    fire(django_capture_on_commit_callbacks, app, "submit", aor)
    status = Notification.objects.filter(kind="application_status")
    assert {n.recipient_id for n in status} == {aor.pk, contributor.pk}
    assert {n.recipient_id for n in Notification.objects.filter(kind="new_submission")} == {officer.pk}
    assert not Notification.objects.filter(recipient=elsewhere).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([aor.email, contributor.email, officer.email])
    assert all(n.url == f"/applications/{app.pk}/" for n in Notification.objects.all())
    assert "Submitted" in status.first().body


def test_applicants_see_the_officers_comment_only_when_it_is_addressed_to_them(django_capture_on_commit_callbacks):
    officer = UserFactory(officer=True)
    app = ApplicationFactory(ready=True)
    fire(django_capture_on_commit_callbacks, app, "submit", aor_of(app.organization))
    fire(django_capture_on_commit_callbacks, app, "start_screening", officer,
         comment="INTERNAL: check the FOCI disclosure")
    due = timezone.now() + dt.timedelta(days=14)
    fire(django_capture_on_commit_callbacks, app, "request_revision", officer,
         comment="Please add the water-rights permit.", response_due_at=due.isoformat())
    notes = {n.subject: n for n in Notification.objects.filter(kind="application_status",
                                                                 recipient=aor_of(app.organization))}
    screening = next(n for s, n in notes.items() if "screening" in s)
    revision = next(n for s, n in notes.items() if "revision" in s)
    assert "INTERNAL" not in screening.body and "INTERNAL" not in screening.body_html
    assert "Please add the water-rights permit." in revision.body
    assert " EST, " in revision.body or " EDT, " in revision.body  # response due date, zone named


def test_officers_fall_back_to_all_when_the_opportunity_names_none(django_capture_on_commit_callbacks):
    officers = {UserFactory(officer=True).pk, UserFactory(officer=True).pk}
    app = ApplicationFactory(ready=True)
    fire(django_capture_on_commit_callbacks, app, "submit", aor_of(app.organization))
    assert set(Notification.objects.filter(kind="new_submission").values_list("recipient_id", flat=True)) == officers


def test_reviewer_is_told_of_a_new_assignment(django_capture_on_commit_callbacks):
    officer = UserFactory(officer=True)
    app = ApplicationFactory(status="screening")
    reviewer = UserFactory(reviewer=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        a = assignment_create(actor=officer, application=app, reviewer=reviewer,
                              due_at=timezone.now() + dt.timedelta(days=21))
    note = Notification.objects.get(recipient=reviewer)
    assert note.kind == "review_assigned" and note.object_id == a.pk
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    assert "conflict of interest" in mail.outbox[0].body


def test_turned_off_kinds_are_not_sent_but_deadline_reminders_are(django_capture_on_commit_callbacks, sweep_at):
    officer = UserFactory(officer=True)
    app = ApplicationFactory(ready=True)
    app.opportunity.program_officers.set([officer])
    aor = aor_of(app.organization)
    contributor = MembershipFactory(organization=app.organization, role=MemberRole.CONTRIBUTOR).user
    preferences_update(user=contributor, values={"application_status": False})
    preferences_update(user=officer, values={"new_submission": False})
    fire(django_capture_on_commit_callbacks, app, "submit", aor)
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {aor.pk}

    reviewer = UserFactory(reviewer=True)
    preferences_update(user=reviewer, values={"review_assigned": False})
    with time_machine.travel(DEADLINE - 10 * dt.timedelta(days=1), tick=False):
        assignment(due_at=DEADLINE, reviewer=reviewer, officers=[officer])
    sent = sweep_at(DEADLINE + dt.timedelta(hours=1))
    assert {(s.recipient_id, s.escalation) for s in sent} == {(reviewer.pk, False), (officer.pk, True)}
