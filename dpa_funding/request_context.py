"""The id of the request (or task) being served, for logs, Celery tasks and audit events.

One context variable, set by ``RequestIdMiddleware`` for web requests and by the Celery
signal handlers for tasks, so any code can ask ``current_request_id()`` without the
request object being passed down.
"""

import re
import uuid
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return request_id_var.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def accept_or_new(candidate: str | None) -> str:
    """Keep a well-formed id from an upstream proxy (so one id spans the hops), else mint one."""
    if candidate and _VALID.match(candidate):
        return candidate
    return new_request_id()


class RequestIdMiddleware:
    """Sets the request id for the duration of the request and echoes it in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = accept_or_new(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = rid
        token = request_id_var.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = rid
        return response
