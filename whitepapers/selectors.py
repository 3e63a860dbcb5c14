"""Reads for white papers: what a user sees (restrict), and histories as they may read them."""

from django.contrib.contenttypes.models import ContentType

from dpa_funding import policy

from . import workflow
from .choices import WhitePaperStatus
from .models import WhitePaper


def white_papers_visible_to(user):
    return WhitePaper.objects.restrict(user).with_related()


def encouraged_white_papers(*, user, opportunity, organization=None):
    """Encouraged white papers of the user's organizations for ``opportunity``: what a full
    application of a two-step opportunity may stand on."""
    qs = (WhitePaper.objects.restrict(user, "change").with_related()
          .filter(opportunity=opportunity, status=WhitePaperStatus.ENCOURAGED).order_by("proposal_due_at", "id"))
    return qs.filter(organization=organization) if organization is not None else qs


def white_paper_history(white_paper, user) -> list[dict]:
    """The white paper's log rows, oldest first; officers' internal comments only for staff."""
    from applications.models import TransitionLog

    rows = (TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(WhitePaper),
                                         object_id=white_paper.pk)
            .select_related("actor").order_by("at", "id"))
    staff = policy.may(user, "staff.read")
    labels = dict(WhitePaperStatus.choices)
    return [{
        "transition": row.transition,
        "label": (workflow.get(row.transition).label if workflow.get(row.transition) else row.transition),
        "from_state": row.from_state, "to_state": row.to_state,
        "from_label": labels.get(row.from_state, row.from_state), "to_label": labels.get(row.to_state, row.to_state),
        "actor": policy.actor_label(row.actor, user),
        "comment": row.comment if (staff or not row.comment_internal) else "",
        "at": row.at,
    } for row in rows]
