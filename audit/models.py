"""The audit log: one tamper-evident event per change to a record or a state."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .append_only import AppendOnlyManager, AppendOnlyModel, AppendOnlyQuerySet


class AuditEventQuerySet(AppendOnlyQuerySet):
    def for_object(self, obj) -> "AuditEventQuerySet":
        return self.filter(object_type=obj._meta.label_lower, object_id=obj.pk)


class AuditEvent(AppendOnlyModel):
    """What changed, on which object, by whom, in which request, and when; chained by hash.

    ``hash`` = sha256(``prev_hash`` + canonical JSON of the other fields) (audit.chain), so
    editing, removing or reordering any event breaks the chain at that point, which
    ``manage.py verify_audit_log`` reports. Written only through ``audit.services``.
    """

    object_type = models.CharField(max_length=100, help_text="app_label.model, e.g. applications.application")
    object_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=50, help_text="create, update, delete, or a transition name")
    actor = models.ForeignKey(
        # PROTECT: a user with audited actions is deactivated, never deleted.
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Empty when the system made the change.",
    )
    request_id = models.CharField(max_length=64, blank=True, default="")
    changes = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyManager.from_queryset(AuditEventQuerySet)()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "id"]),
            models.Index(fields=["actor", "id"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"
