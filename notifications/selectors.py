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
