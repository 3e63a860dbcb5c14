"""Domain errors: one hierarchy, raised by services, mapped to HTTP by one handler.

Views and forms never invent their own error shapes; the DRF exception handler in
``dpa_funding.api.exceptions`` and the HTML views turn these into responses.
"""

from django.core.exceptions import PermissionDenied


class DomainError(Exception):
    """Base for errors a user can act on. ``code`` is stable and appears in API bodies."""

    status_code = 400
    code = "invalid"
    default_detail = "The request could not be completed."

    def __init__(self, detail: str | None = None, *, extra: dict | None = None):
        self.detail = detail or self.default_detail
        self.extra = extra or {}
        super().__init__(self.detail)


class ValidationFailed(DomainError):
    """Field-level problems: ``errors`` maps field names to lists of messages."""

    code = "invalid"
    default_detail = "Some fields are not valid."

    def __init__(self, errors: dict[str, list[str]], detail: str | None = None):
        super().__init__(detail)
        self.errors = errors


class ConditionsUnmet(DomainError):
    """A transition's guards failed; ``unmet`` lists every failed guard, in order."""

    code = "conditions_unmet"
    default_detail = "The conditions for this action are not met."

    def __init__(self, unmet: list[str], detail: str | None = None):
        super().__init__(detail)
        self.unmet = list(unmet)


class NotPermitted(DomainError, PermissionDenied):
    """Also a Django PermissionDenied, so HTML views answer 403 without translating it."""

    status_code = 403
    code = "permission_denied"
    default_detail = "You do not have permission to perform this action."


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    default_detail = "Not found."


class InvalidTransition(DomainError):
    status_code = 409
    code = "invalid_transition"
    default_detail = "This action is not allowed in the current state."


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
    default_detail = "The object was changed concurrently; nothing was changed. Reload and retry."


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "too_large"
    default_detail = "The upload is too large."


class UnsupportedMediaType(DomainError):
    status_code = 415
    code = "unsupported_media_type"
    default_detail = "This file type is not accepted."
