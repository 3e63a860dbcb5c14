"""Writes for notifications: delivering (in-app row + email on commit), marking read,
preferences, the transition and assignment notifications, and the reminder sweep's entry.

Every notification is a row first; its email is owed while ``email_pending`` and sent by a
Celery task owed through the outbox in the same transaction, so a rolled-back transaction
notifies nobody and a broker outage delays emails without losing them. An application
transition owes less still: one outbox message naming its transition-log row; a worker
finds the recipients, renders and writes the notices, then sends their emails
(``application_transition_notify``), keeping recipient look-ups and template rendering out
of the request.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from dpa_funding.errors import NotFound, ValidationFailed

from . import emails
from .choices import OPTIONAL_KINDS, NotificationKind
from .models import Notification, NotificationPreference

logger = logging.getLogger(__name__)
EMAIL_BATCH = 100


@dataclass
class Outgoing:
    """A notification about to be delivered to one user."""

    recipient: Any  # User
    kind: str
    subject: str
    body: str
    body_html: str = ""
    url: str = ""
    related: Model | None = None
    deadline_kind: str = ""
    extra: dict = field(default_factory=dict)


def notifications_deliver(*, outgoing: list[Outgoing]) -> list[Notification]:
    """Create the in-app notifications and queue their emails once the transaction commits."""
    if not outgoing:
        return []
    cts: dict[type, ContentType] = {}
    rows = []
    for item in outgoing:
        ct = None
        if item.related is not None:
            model = type(item.related)
            ct = cts.setdefault(model, ContentType.objects.get_for_model(model))
        rows.append(Notification(
            recipient=item.recipient, kind=item.kind, deadline_kind=item.deadline_kind,
            subject=item.subject[:250], body=item.body, body_html=item.body_html, url=item.url,
            content_type=ct, object_id=item.related.pk if item.related is not None else None,
            email_pending=bool(item.recipient.email),
        ))
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    ids = [n.pk for n in created if n.email_pending]
    if ids:
        # The email task is owed in this transaction (ops.outbox): published right after
        # commit, or by the beat relay once the broker is back.
        owe_emails(ids)
    return created


def owe_emails(notification_ids: list[int]) -> None:
    """Owe the email task for these notifications, in the current transaction (outbox)."""
    from ops import outbox

    for start in range(0, len(notification_ids), EMAIL_BATCH):
        outbox.enqueue("notifications.tasks.send_notification_emails",
                       notification_ids[start:start + EMAIL_BATCH])


def queue_emails(notification_ids: list[int]) -> None:
    """Publish the email task now (the sweep's re-queue of long-pending emails)."""
    from .tasks import send_notification_emails

    for start in range(0, len(notification_ids), EMAIL_BATCH):
        send_notification_emails.delay(notification_ids[start:start + EMAIL_BATCH])


def notification_emails_send(*, notification_ids: Iterable[int]) -> int:
    """Send the emails still owed for these notifications; idempotent, safe to run twice.

    Each row is locked (skipping rows another worker holds) while its email goes out and is
    marked sent in the same transaction, so two workers never send the same email.
    """
    sent = 0
    for pk in notification_ids:
        with transaction.atomic():
            note = (Notification.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("recipient").filter(pk=pk, email_pending=True).first())
            if note is None:
                continue
            if emails.send_notification_emails([note]):
                sent += 1
            note.email_pending = False
            note.emailed_at = timezone.now()
            note.save(update_fields=["email_pending", "emailed_at"])
    return sent


def notifications_requeue_unsent(*, older_than: dt.timedelta = dt.timedelta(minutes=10),
                                 limit: int = 1000) -> int:
    """Queue again the emails still owed after ``older_than`` (a published task was lost,
    e.g. Redis restarted without persistence)."""
    cutoff = timezone.now() - older_than
    ids = list(Notification.objects.filter(email_pending=True, created_at__lt=cutoff)
               .order_by("created_at").values_list("pk", flat=True)[:limit])
    if ids:
        queue_emails(ids)
    return len(ids)


# ---------------------------------------------------------------- reading


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's notifications read. Someone else's is NotFound (never 403)."""
    note = Notification.objects.restrict(user).filter(pk=notification_id).first()
    if note is None:
        raise NotFound("Notification not found.")
    if note.read_at is None:
        note.read_at = timezone.now()
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=note.read_at)
    return note


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    return Notification.objects.restrict(user).filter(read_at__isnull=True).update(
        read_at=timezone.now())


# ---------------------------------------------------------------- preferences


def preferences_update(*, user, values: dict[str, bool]) -> dict[str, bool]:
    """Turn optional kinds on or off. Deadline reminders and escalations cannot be turned off."""
    optional = {k.value for k in OPTIONAL_KINDS}
    errors = {}
    for kind in values:
        if kind in (NotificationKind.REMINDER, NotificationKind.ESCALATION):
            errors[kind] = ["Deadline reminders cannot be turned off."]
        elif kind not in optional:
            errors[kind] = [f"Unknown notification kind. Choose from: {', '.join(sorted(optional))}."]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        for kind, enabled in values.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"enabled": bool(enabled)})
    from .selectors import preferences_for

    return preferences_for(user)


def recipients_accepting(user_ids: Iterable[int], kind: str) -> list:
    """Active users among ``user_ids`` who have not turned ``kind`` off (optional kinds only)."""
    ids = set(user_ids)
    if kind in OPTIONAL_KINDS:
        ids -= set(NotificationPreference.objects.filter(
            user_id__in=ids, kind=kind, enabled=False).values_list("user_id", flat=True))
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


# ---------------------------------------------------------------- transition notifications


NOTIFY_TRANSITION_TASK = "notifications.tasks.notify_application_transition"


def application_transition_notices_owe(*, log) -> None:
    """Owe the notices of an application's transition, inside the transition's transaction:
    one outbox message naming the transition-log row the door has just written (``log``).

    Nothing else happens in the request: who is told and what they read is decided by
    ``application_transition_notify`` in a worker once the transition has committed (a
    rolled-back transition owes nothing; a broker outage delays the notices, never loses
    them).
    """
    from ops import outbox

    outbox.enqueue(NOTIFY_TRANSITION_TASK, log.pk)


def application_transition_notify(*, transition_log_id: int) -> list[int]:
    """Write the notices of one application transition and return the ids of those whose
    email is still owed (sent by ``notification_emails_send``).

    Members of the organization are told of the status change (the officer's comment only
    when the transition addresses it to the applicant; for ``awarded``, the award and its
    acceptance deadline); the opportunity's officers of a submission or resubmission. The
    facts come from the append-only transition-log row, the recipients from one query.

    Idempotent: the notices of a transition are written in one statement, under a unique
    constraint on (transition log, recipient, kind), so running it again (the outbox relay
    is at-least-once) writes nothing more and owes only the emails not sent yet.
    """
    from applications.models import Application, TransitionLog

    log = TransitionLog.objects.filter(pk=transition_log_id).first()
    app_type = ContentType.objects.get_for_model(Application)
    if log is None or log.content_type_id != app_type.pk:
        return []
    written = Notification.objects.filter(transition_log_id=log.pk)
    if not written.exists():
        application = (Application.objects.select_related("organization", "opportunity")
                       .filter(pk=log.object_id).first())
        if application is None:
            return []
        rows = _transition_notices(application, log)
        with transaction.atomic():  # all of a transition's notices, or none
            Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return list(written.filter(email_pending=True).order_by("pk").values_list("pk", flat=True))


def _transition_notices(application, log) -> list[Notification]:
    """The unsaved notices of ``log``'s transition of ``application`` (rendered here)."""
    from django.urls import reverse

    from applications import workflow
    from applications.choices import ApplicationStatus
    from dpa_funding.formatting import eastern

    from .deadlines import _application_url
    from .selectors import transition_recipients

    transition, from_state, to_state = log.transition, log.from_state, log.to_state
    spec = workflow.get(transition)
    comment = log.comment
    shared_comment = comment if (comment and spec and spec.comment_audience == "applicant") else ""
    url = _application_url(application)
    labels = dict(ApplicationStatus.choices)
    context = {
        "application": application, "transition": transition,
        "transition_label": spec.label if spec else transition,
        "from_label": labels.get(from_state, from_state), "to_label": labels.get(to_state, to_state),
        "comment": shared_comment, "url": emails.absolute(url),
        "response_due": (emails.format_deadline(application.response_due_at)
                         if to_state == ApplicationStatus.REVISION_REQUESTED
                         and application.response_due_at else ""),
    }
    subject = f"{application.title}: {context['to_label'].lower()}"
    if to_state == ApplicationStatus.REVISION_REQUESTED and context["response_due"]:
        subject = f"{application.title}: revision requested, due {context['response_due']}"
    award = getattr(application, "issued_award", None) if to_state == ApplicationStatus.AWARDED else None
    member_url = url
    if award is not None:
        # The applicant's next step is the award page: accept by the deadline.
        subject = f"Award {award.award_number} issued: accept by {eastern(award.acceptance_due_at)}"
        member_url = reverse("awards:detail", args=[award.pk])
    verb = "resubmitted" if transition == "resubmit" else "submitted"
    officers_told = transition in ("submit", "resubmit")
    app_type = ContentType.objects.get_for_model(type(application))

    def notice(user, kind, subject, link, template, extra):
        text, html = emails.render(template, {**context, "recipient": user, **extra})
        return Notification(
            recipient=user, kind=kind, subject=subject[:250], body=text, body_html=html, url=link,
            content_type=app_type, object_id=application.pk, transition_log=log,
            email_pending=bool(user.email), created_at=log.at)

    rows = []
    for user in transition_recipients(organization_id=application.organization_id,
                                      opportunity_id=application.opportunity_id if officers_told else None):
        if user.notice_kind == NotificationKind.APPLICATION_STATUS:
            rows.append(notice(user, NotificationKind.APPLICATION_STATUS, subject, member_url,
                               "emails/application_status",
                               {"award": award, "url": emails.absolute(member_url)}))
        else:
            rows.append(notice(user, NotificationKind.NEW_SUBMISSION,
                               f"{application.title}: {verb} to {application.opportunity.number}",
                               url, "emails/new_submission", {"verb": verb}))
    return rows


def review_assignment_notify(*, assignment) -> list[Notification]:
    """Tell a reviewer of a new assignment (the application stays hidden until COI)."""
    from .deadlines import REGISTRY

    kind = REGISTRY["review_due"]
    users = recipients_accepting([assignment.reviewer_id], NotificationKind.REVIEW_ASSIGNED)
    if not users:
        return []
    url = kind.url(assignment)
    context = {"assignment": assignment, "recipient": users[0], "url": emails.absolute(url),
               "due": emails.format_deadline(assignment.due_at, kind.zone_name(assignment))}
    text, html = emails.render("emails/review_assigned", context)
    item = Outgoing(recipient=users[0], kind=NotificationKind.REVIEW_ASSIGNED, related=assignment,
                    url=url, subject=f"New review assignment: application #{assignment.application_id}"
                                     f" (due {context['due']})", body=text, body_html=html)
    with transaction.atomic():
        return notifications_deliver(outgoing=[item])


def reminders_sweep(*, now: dt.datetime | None = None):
    """Send every deadline reminder now due, each at most once; see notifications.reminders."""
    from .reminders import sweep

    return sweep(now=now)
