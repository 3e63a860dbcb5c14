"""Django admin edits in the audit log.

The admin saves and deletes through the models, so the registry already records each
field change with the signed-in administrator as actor. This adds the admin's own account
of the action (its LogEntry: added/changed/deleted and the change message) as an event on
the edited object, tying the field changes (same request id) to "done in the admin".
Bulk deletions write their LogEntry rows with bulk_create (no signal); each deleted object
still has its own ``delete`` event from the registry.
"""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save

ACTIONS = {ADDITION: "admin_add", CHANGE: "admin_change", DELETION: "admin_delete"}


def _log_entry_saved(sender, instance: LogEntry, created, raw=False, **kwargs):
    from .services import audit_event

    if not created or raw:
        return
    ct = instance.content_type
    object_id = instance.object_id
    audit_event(
        object_type=f"{ct.app_label}.{ct.model}" if ct else "admin.logentry",
        object_id=int(object_id) if object_id and str(object_id).isdigit() else None,
        action=ACTIONS.get(instance.action_flag, "admin"),
        actor=instance.user,
        changes={"object_repr": instance.object_repr, "message": instance.get_change_message()},
    )


def connect() -> None:
    post_save.connect(_log_entry_saved, sender=LogEntry, dispatch_uid="audit:admin_logentry")
