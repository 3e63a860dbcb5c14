"""Project-level pages: the role-aware landing page and the health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

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
