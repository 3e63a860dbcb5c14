"""Milestones and reports as deadlines: reminders to the recipient's members, escalation to
officers when overdue, at most once per sweep, stopping once submitted; and the
"deadline.due" webhook written in the sweep's transaction (issue 11)."""

import datetime as dt

import pytest

from notifications import reminders
from notifications.choices import NotificationKind
from notifications.models import Notification
from postaward import services
from postaward.choices import ReportKind
from postaward.models import Report
from webhooks.choices import EventType
from webhooks.models import WebhookDelivery, WebhookEndpoint

from .helpers import accepted_award, aor, contributor, officer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reminder_settings(settings):
    settings.REMINDER_OFFSETS_HOURS = [168, 24]
    settings.NOTIFICATION_REMINDER_GRACE_HOURS = 24
    settings.WEBHOOK_ALLOW_LOOPBACK_HTTP = True


def _endpoint(award):
    return WebhookEndpoint.objects.create(organization=award.application.organization,
                                          url="http://127.0.0.1:9/hook", event_types=[EventType.DEADLINE_DUE],
                                          created_by=aor(award))


def _first_report(award):
    return Report.objects.filter(award=award, kind=ReportKind.PROGRESS, final=False).order_by("due_at").first()


def test_overdue_report_reminds_members_escalates_to_officers_and_announces_the_webhook():
    award = accepted_award()
    member = contributor(award)
    watcher = officer()
    award.application.opportunity.program_officers.add(watcher)
    report = _first_report(award)
    endpoint = _endpoint(award)
    now = report.due_at + dt.timedelta(hours=2)
    sent = [s for s in reminders.sweep(now=now) if s.kind == "report_due" and s.object_id == report.pk]
    recipients = {(s.recipient_id, s.escalation) for s in sent}
    assert recipients == {(aor(award).pk, False), (member.pk, False), (watcher.pk, True)}
    assert Notification.objects.filter(recipient=watcher, kind=NotificationKind.ESCALATION,
                                       deadline_kind="report_due", object_id=report.pk).count() == 1
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint)
    payloads = [d.payload["data"] for d in deliveries if d.payload["data"]["deadline_kind"] == "report_due"]
    assert any(p["object_id"] == report.pk and p["overdue"] for p in payloads)
    # A second sweep sends nothing again.
    assert not [s for s in reminders.sweep(now=now) if s.kind == "report_due" and s.object_id == report.pk]


def test_milestone_due_in_a_week_reminds_and_announces_milestone_due():
    award = accepted_award()
    milestone = services.milestone_create(actor=officer(), award=award, title="Permit issued",
                                          due_date=award.period_start + dt.timedelta(days=40))
    endpoint = _endpoint(award)
    now = milestone.due_at - dt.timedelta(hours=160)
    sent = [s for s in reminders.sweep(now=now) if s.kind == "milestone_due"]
    assert [(s.object_id, s.recipient_id, s.offset_hours) for s in sent] == [(milestone.pk, aor(award).pk, 168)]
    [delivery] = [d for d in WebhookDelivery.objects.filter(endpoint=endpoint)
                  if d.payload["data"]["deadline_kind"] == "milestone_due"]
    assert delivery.payload["data"]["object_id"] == milestone.pk
    assert delivery.payload["data"]["overdue"] is False


def test_submitted_reports_are_not_chased():
    award = accepted_award()
    report = _first_report(award)
    services.report_save(actor=aor(award), report=report,
                         data={"accomplishments": "Done.", "next_period_plans": "More."})
    services.transition(report, "submit", actor=aor(award))
    sent = reminders.sweep(now=report.due_at + dt.timedelta(hours=1))
    assert not [s for s in sent if s.kind == "report_due" and s.object_id == report.pk]


def test_reports_of_unaccepted_awards_are_not_chased():
    from .helpers import issued_award

    award = issued_award()
    services.reports_generate(award=award)  # as if generated, though the award is still pending
    report = _first_report(award)
    assert not [s for s in reminders.sweep(now=report.due_at + dt.timedelta(hours=1))
                if s.kind == "report_due" and s.object_id == report.pk]
