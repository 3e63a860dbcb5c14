"""Reads: the permission-aware querysets that the API, the pages and exports all use."""

from django.db import models

from accounts.choices import MemberRole, Role
from accounts.roles import is_federal_staff
from dpa_funding.request_context import current_request_id

# Reviewer assignment states that grant access to the application (reviews.choices mirrors).
REVIEWER_ACCESS_STATES = ("active", "submitted")


def _member_organization_ids(user):
    from accounts.models import Membership

    return Membership.objects.filter(user=user).values("organization_id")


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProjectQuerySet":
        if not user.is_authenticated:
            return self.none()
        if is_federal_staff(user):
            return self.all()
        return self.filter(organization_id__in=_member_organization_ids(user))


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ApplicationQuerySet":
        """Members see their organizations' applications; reviewers those they are assigned to
        and have certified no conflict for; officers and admins see all."""
        if not user.is_authenticated:
            return self.none()
        if is_federal_staff(user):
            return self.all()
        # Semi-joins (IN subqueries), not joins plus DISTINCT: no duplicates to remove, so
        # counts and sorts stay on the application table alone.
        if user.role == Role.REVIEWER:
            from reviews.models import ReviewAssignment

            assigned = ReviewAssignment.objects.filter(reviewer=user, status__in=REVIEWER_ACCESS_STATES)
            return self.filter(pk__in=assigned.values("application_id"))
        return self.filter(organization_id__in=_member_organization_ids(user))

    def with_list_related(self) -> "ApplicationQuerySet":
        return self.select_related("opportunity", "organization", "project")


def member_role(user, organization_id: int) -> str | None:
    """The user's role in the organization, or None when not a member."""
    if not user.is_authenticated:
        return None
    from accounts.models import Membership

    def lookup():
        return (Membership.objects.filter(user=user, organization_id=organization_id)
                .values_list("role", flat=True).first())

    # Asked two or three times per request (permission, guards, serializer): remember the
    # answer for the current request only (keyed by its id), never across requests.
    request_id = current_request_id()
    if request_id is None:
        return lookup()
    cached_for, roles = user.__dict__.get("_member_roles", (None, {}))
    if cached_for != request_id:
        roles = {}
        user.__dict__["_member_roles"] = (request_id, roles)
    if organization_id not in roles:
        roles[organization_id] = lookup()
    return roles[organization_id]


def forget_member_roles(user) -> None:
    """Call after changing the user's memberships inside a request."""
    user.__dict__.pop("_member_roles", None)


def is_aor(user, organization_id: int) -> bool:
    return member_role(user, organization_id) == MemberRole.AUTHORIZED_REPRESENTATIVE


def is_member(user, organization_id: int) -> bool:
    return member_role(user, organization_id) is not None


def transition_history(application, user):
    """An application's log rows as the user may see them: internal comments blanked for
    anyone but federal staff."""
    from django.contrib.contenttypes.models import ContentType

    from .models import TransitionLog

    rows = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(type(application)), object_id=application.pk
    ).select_related("actor")
    staff = is_federal_staff(user)
    result = []
    for row in rows:
        comment = row.comment if (staff or not row.comment_internal) else ""
        result.append(
            {
                "transition": row.transition,
                "from_state": row.from_state,
                "to_state": row.to_state,
                "actor": _actor_label(row.actor, staff),
                "comment": comment,
                "at": row.at,
            }
        )
    return result


def _actor_label(actor, staff: bool) -> str:
    # Applicants see their own people by name and federal staff only as "Program office";
    # reviewer identities never leak to applicants.
    if actor is None:
        return "System"
    if staff or actor.role == Role.APPLICANT:
        return actor.username
    return "Program office"
