"""Reads for notifications."""

from .choices import OPTIONAL_KINDS
from .models import Notification, NotificationPreference


def unread_count(user) -> int:
    """Unread notifications of the user: one COUNT on the (recipient, read_at) index."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user, *, unread: bool | None = None):
    """The user's own notifications, newest first; ``unread=True`` keeps the unread ones."""
    qs = Notification.objects.restrict(user).order_by("-created_at", "-id")
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs


def preferences_for(user) -> dict[str, bool]:
    """Every optional kind and whether the user receives it (no row means yes)."""
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "enabled"))
    return {kind.value: stored.get(kind.value, True) for kind in OPTIONAL_KINDS}


def transition_recipients(*, organization_id: int, opportunity_id: int | None = None) -> list:
    """Who is told of an application's transition, in one query: the organization's members
    (kind ``application_status``) and, when ``opportunity_id`` is given (submit, resubmit),
    the opportunity's program officers (kind ``new_submission``; every program officer when
    the opportunity names none who still holds the role). Active users only, without those
    who turned the kind off. Each user carries its kind as ``notice_kind``; members first.
    """
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef, Q, Value

    from applications.models import FundingOpportunity
    from dpa_funding import policy

    from .choices import NotificationKind

    User = get_user_model()

    def accepting(qs, kind: str):
        if kind in OPTIONAL_KINDS:
            qs = qs.exclude(Exists(NotificationPreference.objects.filter(
                user=OuterRef("pk"), kind=kind, enabled=False)))
        return qs.annotate(notice_kind=Value(kind))

    members = accepting(User.objects.filter(is_active=True, memberships__organization_id=organization_id),
                        NotificationKind.APPLICATION_STATUS).order_by()
    if opportunity_id is None:
        users = list(members)
    else:
        # Only users who still hold the officer role (deadlines.officers_for_opportunities).
        officers = policy.users_who_may("application.start_screening")
        listed = FundingOpportunity.program_officers.through.objects.filter(
            fundingopportunity_id=opportunity_id, user__in=officers)
        officers = officers.filter(Q(pk__in=listed.values("user_id")) | ~Exists(listed))
        users = list(members.union(accepting(officers, NotificationKind.NEW_SUBMISSION).order_by(), all=True))
    return sorted(users, key=lambda u: (u.notice_kind != NotificationKind.APPLICATION_STATUS, u.pk))
