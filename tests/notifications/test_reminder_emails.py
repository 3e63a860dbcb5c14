"""Reminder and escalation emails: recipients, deadline in Eastern time with the zone named,
links to the right page, text and HTML parts."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from notifications.emails import format_deadline
from notifications.models import Notification
from tests.factories import UserFactory, aor_of

from .conftest import DEADLINE, SITE
from .factories import assignment, award, revision_requested

pytestmark = pytest.mark.django_db
H, D = dt.timedelta(hours=1), dt.timedelta(days=1)


def test_format_deadline_names_the_zone_in_winter_and_summer():
    assert format_deadline(DEADLINE) == "5:00 PM EST, Friday, December 11, 2026"
    summer = dt.datetime(2026, 7, 1, 21, 0, tzinfo=dt.UTC)
    assert format_deadline(summer) == "5:00 PM EDT, Wednesday, July 1, 2026"
    assert format_deadline(summer, "America/Chicago") == "4:00 PM CDT, Wednesday, July 1, 2026"
    assert format_deadline(dt.datetime(2026, 1, 5, 5, 30, tzinfo=ZoneInfo("America/New_York"))) \
        == "5:30 AM EST, Monday, January 5, 2026"


def test_review_reminder_email_goes_to_the_reviewer_with_eastern_time_and_workspace_link(sweep_at):
    with time_machine.travel(DEADLINE - 10 * D, tick=False):
        a = assignment(due_at=DEADLINE)
    mail.outbox.clear()
    sweep_at(DEADLINE - 23 * H)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [a.reviewer.email]
    assert f"application #{a.application_id}" in message.subject
    assert "5:00 PM EST, Friday, December 11, 2026" in message.subject
    assert "5:00 PM EST, Friday, December 11, 2026" in message.body
    assert "23 hours from now" in message.body
    note = Notification.objects.get(recipient=a.reviewer)
    assert note.url and f"{SITE}{note.url}" in message.body
    assert note.url.startswith("/reviews/")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'href="{SITE}{note.url}"' in html
    assert note.emailed_at is not None and not note.email_pending


def test_overdue_review_escalation_email_goes_to_program_officers_with_application_link(sweep_at):
    officer = UserFactory(officer=True)
    with time_machine.travel(DEADLINE - 10 * D, tick=False):
        a = assignment(due_at=DEADLINE, officers=[officer])
    mail.outbox.clear()
    sweep_at(DEADLINE + H)
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {a.reviewer.email, officer.email}
    escalation = by_to[officer.email]
    assert "Overdue review" in escalation.subject and a.reviewer.username in escalation.body
    assert f"{SITE}/applications/{a.application_id}/" in escalation.body
    assert "was due at 5:00 PM EST, Friday, December 11, 2026" in by_to[a.reviewer.email].body


def test_revision_reminder_links_to_the_application_and_goes_to_its_members(sweep_at):
    with time_machine.travel(DEADLINE - 10 * D, tick=False):
        app = revision_requested(due=DEADLINE, title="O'Brien Lithium & Cobalt")
    mail.outbox.clear()
    sweep_at(DEADLINE - 7 * D)
    (message,) = mail.outbox
    assert message.to == [aor_of(app.organization).email]
    assert f"{SITE}/applications/{app.pk}/" in message.body
    assert "O'Brien Lithium & Cobalt" in message.body  # plain text is not HTML-escaped
    assert "O&#x27;Brien Lithium &amp; Cobalt" in message.alternatives[0][0]
    assert "7 days from now" in message.body


def test_award_acceptance_reminder_links_to_the_award(sweep_at):
    with time_machine.travel(DEADLINE - 10 * D, tick=False):
        aw = award(acceptance_due_at=DEADLINE)
    mail.outbox.clear()
    sweep_at(DEADLINE - 7 * D + H)
    (message,) = mail.outbox
    assert message.to == [aor_of(aw.application.organization).email]
    assert aw.award_number in message.subject
    assert f"{SITE}/awards/{aw.pk}/" in message.body


def test_users_without_an_email_address_still_get_the_in_app_notification(sweep_at):
    reviewer = UserFactory(reviewer=True, email="")
    with time_machine.travel(DEADLINE - 10 * D, tick=False):
        assignment(due_at=DEADLINE, reviewer=reviewer)
    mail.outbox.clear()
    assert len(sweep_at(DEADLINE - 23 * H)) == 1
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=reviewer, kind="reminder").count() == 1
