"""Reads: the permission-aware querysets that the API, the pages and exports all use."""

from dpa_funding import policy
from dpa_funding.querysets import RestrictedQuerySet


class ProjectQuerySet(RestrictedQuerySet):
    pass


class ApplicationQuerySet(RestrictedQuerySet):
    def with_list_related(self) -> "ApplicationQuerySet":
        return self.select_related("opportunity", "organization", "project")


def member_role(user, organization_id: int) -> str | None:
    """The user's role in the organization, or None when not a member."""
    return policy.member_role(user, organization_id)


def forget_member_roles(user) -> None:
    """Call after changing the user's memberships inside a request."""
    policy.forget_member_roles(user)


def is_aor(user, organization_id: int) -> bool:
    return policy.is_aor_of_organization(user, organization_id)


def is_member(user, organization_id: int) -> bool:
    return policy.member_role(user, organization_id) is not None


def transition_history(application, user):
    """An application's log rows as the user may see them: internal comments blanked for
    anyone but federal staff."""
    from django.contrib.contenttypes.models import ContentType

    from .models import TransitionLog

    rows = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(type(application)), object_id=application.pk
    ).select_related("actor")
    staff = policy.may(user, "staff.read")
    result = []
    for row in rows:
        comment = row.comment if (staff or not row.comment_internal) else ""
        result.append(
            {
                "transition": row.transition,
                "from_state": row.from_state,
                "to_state": row.to_state,
                "actor": policy.actor_label(row.actor, user),
                "comment": comment,
                "at": row.at,
            }
        )
    return result
