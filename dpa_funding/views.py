"""Project-level pages: the role-aware landing page and the health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.views.defaults import page_not_found

from accounts.choices import Role

LANDING = {
    Role.APPLICANT: "applications:list",
    Role.PROGRAM_OFFICER: "applications:officer_queue",
    Role.REVIEWER: "reviews:workspace",
    Role.ADMIN: "admin:index",
}


@login_required
def dashboard(request):
    """Send each role to its home page."""
    try:
        return redirect(reverse(LANDING.get(request.user.role, "applications:list")))
    except NoReverseMatch:
        return redirect(reverse("applications:list"))


def healthz(request):
    """Liveness and database reachability, for load balancers and compose health checks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request, exception=None):
    """404 for URLs that match no route: JSON under /api/ (the API's error shape), the
    USWDS page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return page_not_found(request, exception)
