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
         "code 'conditions_unmet' with `unmet` listing every failed guard, or "
         "'parse_error', 'json_too_deep' (nested more than 32 levels) or 'body_too_large'.",
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


def add_common_error_responses(result, generator, request, public):
    """Postprocessing hook: document what DRF answers on every endpoint without each view
    repeating it: 400 for an invalid filter value, 404 for a page number past the end of a
    paginated list, and 429 when throttled."""
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            params = {p.get("name") for p in operation.get("parameters", []) if p.get("in") == "query"}
            if params - {"page", "page_size", "format"} and "400" not in responses:
                responses["400"] = {
                    "description": "A filter or ordering value is not valid (field errors).",
                    "content": {"application/json": {"schema": error_ref}},
                }
            if "page" in params and "404" not in responses:
                responses["404"] = {
                    "description": "The requested page does not exist.",
                    "content": {"application/json": {"schema": error_ref}},
                }
            responses.setdefault("429", {
                "description": _DESCRIPTIONS[429],
                "content": {"application/json": {"schema": error_ref}},
            })
    return result


__all__ = ["ErrorSerializer", "errors", "public_errors", "inline_serializer",
           "add_common_error_responses"]
