"""Failed sign-in limits (django-axes): who is counted, and what a locked-out client sees.

The same limits cover the web login, /admin/login/ and POST /api/v1/auth/token/, because
all three authenticate through django.contrib.auth with the request, and the
AxesStandaloneBackend (first in AUTHENTICATION_BACKENDS) refuses a locked-out account or
client address before any password is checked.
"""

import math

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from dpa_funding.client_ip import client_ip

LOCKED_OUT_DETAIL = "Too many failed sign-in attempts. Try again later."


def axes_username(request, credentials=None) -> str:
    """Accounts are counted case-insensitively, as usernames are unique case-insensitively."""
    if credentials and credentials.get("username") is not None:
        username = credentials.get("username")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        username = data.get("username", "") if hasattr(data, "get") else ""
    return str(username or "").strip().lower()


def retry_after_seconds(request, credentials=None) -> int:
    """Seconds until the most recent counted failure of this account or address ages out."""
    cool_off = settings.AXES_COOLOFF_TIME
    username = get_client_username(request, credentials) if credentials is not None else axes_username(request)
    latest = AccessAttempt.objects.filter(
        Q(ip_address=client_ip(request)) | Q(username=username) if username else Q(ip_address=client_ip(request))
    ).aggregate(at=Max("attempt_time"))["at"]
    if latest is None:
        return int(cool_off.total_seconds())
    remaining = (latest + cool_off - timezone.now()).total_seconds()
    return max(1, math.ceil(remaining))


def lockout_response(request, original_response=None, credentials=None):
    """429 with Retry-After: JSON with code ``locked_out`` on the API, a page elsewhere."""
    retry_after = retry_after_seconds(request, credentials)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": LOCKED_OUT_DETAIL, "code": "locked_out"}, status=429)
    else:
        response = render(request, "registration/locked_out.html",
                          {"minutes": math.ceil(retry_after / 60)}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class SignInLimitBackend(AxesStandaloneBackend):
    """django-axes' lockout check. A password check made without a request (Django's test
    client ``login``, a shell) has no client to count against and is let through to the
    next backend; the web login, /admin/login/ and the token endpoint always pass theirs
    (tests/accounts/test_signin_limits.py)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
