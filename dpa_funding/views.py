"""Project-level pages: the landing page and the error handlers (JSON under /api/ whatever
DEBUG says, the USWDS pages elsewhere). Health: ops.health."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.views.defaults import bad_request as html_bad_request
from django.views.defaults import page_not_found, permission_denied
from django.views.defaults import server_error as html_server_error

from dpa_funding.request_context import current_request_id

from . import policy


@login_required
def dashboard(request):
    """Send each role to its home page."""
    try:
        return redirect(reverse(policy.home_view_name(request.user)))
    except NoReverseMatch:
        return redirect(reverse("applications:list"))


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _api_error(status: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


def not_found(request, exception=None):
    """404 for URLs that match no route: JSON under /api/ (the API's error shape), the
    USWDS page elsewhere."""
    if _is_api(request):
        return _api_error(404, "Not found.", "not_found")
    return page_not_found(request, exception)


def bad_request(request, exception=None):
    """400 for what Django refuses before a view runs (oversized or malformed form bodies,
    a disallowed Host, other SuspiciousOperation)."""
    if _is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return _api_error(400, "The request body is larger than allowed.", "body_too_large")
        if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
            return _api_error(400, "The request has too many fields or files.", "too_many_fields")
        return _api_error(400, "Bad request.", "bad_request")
    return html_bad_request(request, exception)


def forbidden(request, exception=None):
    if _is_api(request):
        return _api_error(403, "You do not have permission to perform this action.", "permission_denied")
    return permission_denied(request, exception)


def server_error(request):
    """500: the API's JSON error shape under /api/ (never a stack trace or an HTML page),
    with the request id a support desk can find in the logs."""
    if _is_api(request):
        body = {"detail": "The server could not complete the request.", "code": "server_error",
                "request_id": current_request_id()}
        return JsonResponse(body, status=500)
    return html_server_error(request)
