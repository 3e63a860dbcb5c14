"""OpenAPI helpers: the error body every endpoint returns, and shorthand for error responses.

Every API error is ``{"detail", "code"}`` (plus ``unmet`` for failed transition guards and
``field: [messages]`` for invalid input), produced by ``dpa_funding.api.exceptions``.
"""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    detail = serializers.CharField()
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. 'invalid_transition'.")
    unmet = serializers.ListField(
        child=serializers.CharField(), required=False,
        help_text="Only with code 'conditions_unmet': every failed guard, in order.",
    )


_DESCRIPTIONS = {
    400: "Invalid input: code 'invalid' with field errors as `field: [messages]`, "
         "or code 'conditions_unmet' with `unmet` listing every failed guard.",
    401: "Not authenticated.",
    403: "You may see the object but not perform this action.",
    404: "The object does not exist or you may not see it.",
    409: "Code 'invalid_transition' (not allowed in the current state) or 'conflict' "
         "(changed concurrently); nothing was changed.",
    413: "The upload is too large.",
    415: "The file type is not accepted (decided by the file's bytes).",
    422: "The Idempotency-Key was already used with a different request body "
         "(code 'idempotency_key_reused').",
    429: "Too many requests (throttled).",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """``responses={**errors(400, 404)}``: error responses with the shared Error component.

    401 is always added: every endpoint except token/register requires authentication.
    """
    return {
        status: OpenApiResponse(response=ErrorSerializer, description=_DESCRIPTIONS[status])
        for status in sorted({*statuses, 401})
    }


def public_errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """Like :func:`errors` for endpoints open to anonymous users (no 401)."""
    return {
        status: OpenApiResponse(response=ErrorSerializer, description=_DESCRIPTIONS[status])
        for status in sorted(set(statuses))
    }


__all__ = ["ErrorSerializer", "errors", "public_errors", "inline_serializer"]
