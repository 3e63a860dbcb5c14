"""In-app notifications (each optionally emailed), the reminder log and user preferences."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from dpa_funding.querysets import RestrictedQuerySet

from .choices import OPTIONAL_KINDS, NotificationKind


class NotificationQuerySet(RestrictedQuerySet):
    """A notification is visible to its recipient only (officers included); see the policy."""


class Notification(models.Model):
    """One message to one user: shown in the in-app list and, when ``email_pending``, emailed.

    The subject and bodies are rendered once when the notification is created, so the email
    a worker sends later says exactly what the sweep or the transition decided.

    Notices of an application transition are written by a Celery task after the transition
    commits (notifications.services.application_transition_notify); ``transition_log`` names
    the transition they tell of, and the unique constraint on (transition log, recipient,
    kind) makes a task delivered twice write each of them once.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    # For reminders and escalations: the deadline kind name from notifications.deadlines.
    deadline_kind = models.CharField(max_length=50, blank=True)
    subject = models.CharField(max_length=250)
    body = models.TextField(help_text="Plain text, also the email's text part.")
    body_html = models.TextField(blank=True, help_text="The email's HTML part.")
    url = models.CharField(max_length=500, blank=True, help_text="Site-relative link.")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    related_object = GenericForeignKey("content_type", "object_id")
    # When it happened: a transition's notices carry the transition's time, not the time the
    # task that wrote them ran (the in-app list is ordered by it).
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)
    # Outbox: the email is owed while email_pending; the sweep re-queues stale ones.
    email_pending = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # The application transition this notice tells of (empty for every other kind of notice).
    # No index of its own: the unique constraint below leads with it.
    transition_log = models.ForeignKey("applications.TransitionLog", on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="+", db_index=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_read"),
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created"),
            models.Index(fields=["created_at"], condition=models.Q(email_pending=True),
                         name="notif_email_pending"),
        ]
        constraints = [
            # At most one notice per (transition, recipient, kind): the task that writes them
            # inserts with ON CONFLICT DO NOTHING, so an outbox message relayed twice (the
            # relay is at-least-once) notifies nobody twice.
            models.UniqueConstraint(fields=["transition_log", "recipient", "kind"],
                                    condition=models.Q(transition_log__isnull=False),
                                    name="unique_notice_per_transition"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"

    @property
    def absolute_url(self) -> str:
        return f"{settings.SITE_URL.rstrip('/')}{self.url}" if self.url.startswith("/") else self.url


class ReminderLog(models.Model):
    """One reminder sent: (deadline kind, object, deadline, offset, recipient) at most once.

    The unique constraint, not the sweep's reads, is what guarantees "at most once": every
    sweep inserts with ON CONFLICT DO NOTHING and notifies only for the rows it inserted.
    ``deadline_at`` is part of the key so that a moved deadline (a second revision request, an
    extended review) gets its own reminders; an unchanged deadline never gets a second one.
    """

    deadline_kind = models.CharField(max_length=50)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    related_object = GenericForeignKey("content_type", "object_id")
    offset_hours = models.PositiveIntegerField(help_text="Hours before the deadline; 0 = overdue.")
    deadline_at = models.DateTimeField()
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    escalation = models.BooleanField(default=False)
    sent_at = models.DateTimeField()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = [
            # Column order serves the sweep's NOT EXISTS probe (kind, object, offset, deadline).
            models.UniqueConstraint(
                fields=["deadline_kind", "content_type", "object_id", "offset_hours", "deadline_at",
                        "recipient"],
                name="unique_reminder_per_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deadline_kind} #{self.object_id} -{self.offset_hours}h to {self.recipient_id}"


class NotificationPreference(models.Model):
    """A user's choice for one optional kind. No row means enabled."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(max_length=30, choices=[(k.value, k.label) for k in OPTIONAL_KINDS])
    enabled = models.BooleanField(default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="unique_preference_per_kind"),
            # Deadline reminders cannot be turned off: only optional kinds may have a row.
            models.CheckConstraint(condition=models.Q(kind__in=[k.value for k in OPTIONAL_KINDS]),
                                   name="preference_optional_kinds_only"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {'on' if self.enabled else 'off'}"
