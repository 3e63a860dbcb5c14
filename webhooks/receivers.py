"""Turn changes into webhook events, inside the transaction that makes the change.

``applications.services.application_transitioned`` is sent after commit, so it cannot
write deliveries atomically with the change; every state change writes a ``TransitionLog``
row inside its transaction, so its ``post_save`` is where events are written. Deadline
events come from the reminder sweep's ``deadline_reminded`` signal, also sent inside the
sweep's transaction.
"""

from django.db.models.signals import post_save

from .choices import EventType
from .services import event_emit

# Deadline kinds (notifications.deadlines) announced as "report or milestone due".
DEADLINE_KIND_PREFIXES = ("milestone", "report")
PAYMENT_DECISIONS = {"approve", "reject"}


def _organization_id(obj) -> int | None:
    """The organization a workflow object belongs to (directly, via its application, or via
    its award's application)."""
    for path in ("organization_id", "application.organization_id", "award.application.organization_id"):
        value = obj
        try:
            for attr in path.split("."):
                value = getattr(value, attr)
        except AttributeError:
            continue
        if value is not None:
            return value
    return None


def _transition_data(log, obj) -> dict:
    return {
        "object_type": log.content_type.model, "object_id": obj.pk, "transition": log.transition,
        "from_state": log.from_state, "to_state": log.to_state, "at": log.at,
    }


def on_transition_logged(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    model_name = instance.content_type.model
    obj = instance.subject
    if obj is None:
        return
    org_id = _organization_id(obj)
    if org_id is None:
        return
    data = _transition_data(instance, obj)
    if model_name == "application":
        event_emit(event_type=EventType.APPLICATION_STATUS_CHANGED, organization_id=org_id,
                   data={**data, "application": obj.pk, "title": obj.title})
    elif model_name == "award" and instance.transition == "issue":
        event_emit(event_type=EventType.AWARD_ISSUED, organization_id=org_id, data={
            **data, "award": obj.pk, "award_number": obj.award_number, "application": obj.application_id,
            "instrument": obj.instrument, "federal_amount": obj.federal_amount,
            "acceptance_due_at": obj.acceptance_due_at,
        })
    elif model_name == "paymentrequest" and instance.transition in PAYMENT_DECISIONS:
        event_emit(event_type=EventType.PAYMENT_REQUEST_DECIDED, organization_id=org_id, data={
            **data, "payment_request": obj.pk, "decision": instance.transition, "award": obj.award_id,
            "award_number": obj.award.award_number, "request_type": obj.request_type, "amount": obj.amount,
            "period_start": obj.period_start, "period_end": obj.period_end,
            # The comment is addressed to the recipient (both decisions' comment_audience).
            "comment": instance.comment,
        })


def on_deadline_reminded(sender, kind, offset_hours: int, objects: list, **kwargs):
    if not kind.name.startswith(DEADLINE_KIND_PREFIXES):
        return
    for obj in objects:
        org_id = _organization_id(obj)
        if org_id is None:
            continue
        event_emit(event_type=EventType.DEADLINE_DUE, organization_id=org_id, data={
            "deadline_kind": kind.name, "label": kind.label, "object_type": obj._meta.model_name,
            "object_id": obj.pk, "due_at": getattr(obj, kind.deadline_field),
            "offset_hours": offset_hours, "overdue": offset_hours == 0,
        })


def connect() -> None:
    from applications.models import TransitionLog
    from notifications.signals import deadline_reminded

    post_save.connect(on_transition_logged, sender=TransitionLog, dispatch_uid="webhooks.transition_logged")
    deadline_reminded.connect(on_deadline_reminded, dispatch_uid="webhooks.deadline_reminded")
