"""Who is acting, for audit events written where no actor is passed (model signals).

The acting user comes from, in order: an explicit ``acting_as(user)`` block (services,
management commands, tasks), or the request being served (set by ``AuditActorMiddleware``;
DRF's token authentication writes its user back onto the Django request, so API calls
resolve too), else nobody: the system.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_actor: ContextVar = ContextVar("audit_actor", default=None)
_request: ContextVar = ContextVar("audit_request", default=None)


def current_actor():
    actor = _actor.get()
    if actor is None:
        request = _request.get()
        actor = getattr(request, "user", None) if request is not None else None
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


@contextmanager
def acting_as(user):
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


class AuditActorMiddleware:
    """Makes the request's user the actor of audit events written while serving it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
