"""Reads of the audit log."""

from django.db.models import Q

from dpa_funding import policy

from .models import AuditEvent


def may_view_audit_log(user) -> bool:
    """Program officers and administrators read the audit log; nobody else does."""
    return policy.may(user, "audit.view")


def audit_events(*, object_type: str | None = None, object_id: int | None = None,
                 actor: str | None = None):
    """Events oldest first, optionally for one object type, object, or actor (id or username)."""
    events = AuditEvent.objects.select_related("actor").order_by("id")
    if object_type:
        events = events.filter(object_type=object_type.lower())
    if object_id is not None:
        events = events.filter(object_id=object_id)
    if actor:
        match = Q(actor__username=actor)
        if str(actor).isdigit():
            match |= Q(actor_id=int(actor))
        events = events.filter(match)
    return events


def application_audit_trail(application):
    """Events about an application and the records that belong to it (documents, terms,
    reviews, award), oldest first, for the officer's Audit tab."""
    from applications.models import Document

    related = Q(object_type="applications.application", object_id=application.pk)
    children = {
        "applications.document": list(Document.objects.filter(application=application).values_list("pk", flat=True)),
    }
    for label, ids in _owned(application).items():
        children[label] = ids
    for label, ids in children.items():
        if ids:
            related |= Q(object_type=label, object_id__in=ids)
    # Deleted documents no longer have rows: their events carry the application id.
    related |= Q(object_type="applications.document", changes__before__application_id=application.pk)
    return AuditEvent.objects.filter(related).select_related("actor").order_by("id")


def _owned(application) -> dict[str, list[int]]:
    from awards.models import Award, AwardTerms
    from reviews.models import ReviewAssignment

    return {
        "awards.awardterms": list(AwardTerms.objects.filter(application=application).values_list("pk", flat=True)),
        "awards.award": list(Award.objects.filter(application=application).values_list("pk", flat=True)),
        "reviews.reviewassignment": list(
            ReviewAssignment.objects.filter(application=application).values_list("pk", flat=True)),
    }
