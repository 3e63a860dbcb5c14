"""A database that is down (restarting, failing over) answers 503, never a 500 page.

The request fails cleanly: nothing was committed (the error aborted the transaction), the
client is told to retry, and Django drops the broken connection at the end of the request
(``close_if_unusable_or_obsolete``), so the next request reconnects without a restart.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = "5"
BODY = {"detail": "The service is temporarily unavailable; try again shortly.",
        "code": "service_unavailable"}


def unavailable_response(request):
    if request.path.startswith("/api/"):
        response = JsonResponse(BODY, status=503)
    else:
        response = HttpResponse(BODY["detail"], status=503, content_type="text/plain")
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


class DatabaseUnavailableMiddleware:
    """Turns a view's database connection error into the 503 above (DRF views already answer
    it through dpa_funding.api.exceptions)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.error("Database unavailable: %r", exception)
            return unavailable_response(request)
        return None
