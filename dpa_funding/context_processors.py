"""Template context shared by every page."""

from django.apps import apps
from django.conf import settings


def site(request):
    count = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and apps.is_installed("notifications"):
        try:
            from notifications.selectors import unread_count
        except ImportError:  # the notifications app ships its selector with its issue
            unread_count = None
        if unread_count is not None:
            count = unread_count(user)
    return {"unread_notification_count": count,
            "login_gov_enabled": getattr(settings, "OIDC_ENABLED", False)}
