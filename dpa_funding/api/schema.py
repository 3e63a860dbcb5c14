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


# Marks a read-only response property that some answers leave out (e.g. officer-only
# fields); read-only properties are otherwise listed as required. Removed by the hook.
OPTIONAL_MARK = "x-dpa-optional"


def unmark_optional_properties(result, generator, request, public):
    """Postprocessing hook: drop ``OPTIONAL_MARK`` properties from ``required``."""
    for component in result.get("components", {}).get("schemas", {}).values():
        for name, prop in component.get("properties", {}).items():
            if isinstance(prop, dict) and prop.pop(OPTIONAL_MARK, False):
                component["required"] = [r for r in component.get("required", []) if r != name]
                if not component["required"]:
                    del component["required"]
    return result


_UNSAFE = {"post", "put", "patch", "delete"}

_RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 0},
        "description": "Seconds to wait before trying again.",
    }
}
_REPLAYED = {
    "Idempotent-Replayed": {
        "schema": {"type": "string", "enum": ["true"]},
        "description": "Present when this response is the stored answer to an earlier request "
                       "with the same Idempotency-Key and body; the action was not repeated.",
    }
}


def _error_response(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _authenticated(operation: dict, result: dict) -> bool:
    security = operation.get("security", result.get("security"))
    return bool(security) and any(requirement for requirement in security)


def add_common_error_responses(result, generator, request, public):
    """Postprocessing hook: document what the framework answers on every endpoint, so no
    view has to repeat it and none can forget it:

    - 400 for an invalid filter value or a malformed body, 415 for a body that is not
      JSON (or not multipart on an upload);
    - 401 on every operation that needs authentication, 403 on every authenticated unsafe
      method (session clients fail the CSRF check with 403);
    - 404 for a path id that does not exist or is not visible, and for a page past the end;
    - 429 with ``Retry-After`` everywhere; ``Idempotent-Replayed`` on every non-5xx answer of
      an operation that takes an ``Idempotency-Key``.
    """
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            params = operation.get("parameters", [])
            query = {p.get("name") for p in params if p.get("in") == "query"}
            if query - {"page", "page_size", "format"}:
                responses.setdefault("400", _error_response(
                    "A filter or ordering value is not valid (field errors)."))
            if "requestBody" in operation:
                responses.setdefault("400", _error_response(_DESCRIPTIONS[400]))
                responses.setdefault("415", _error_response(
                    "The body's content type is not accepted (JSON only, except uploads)."))
            if "page" in query:
                responses.setdefault("404", _error_response("The requested page does not exist."))
            if "{" in path:
                responses.setdefault("404", _error_response(_DESCRIPTIONS[404]))
            if _authenticated(operation, result):
                responses.setdefault("401", _error_response(_DESCRIPTIONS[401]))
                if method in _UNSAFE:
                    responses.setdefault("403", _error_response(
                        _DESCRIPTIONS[403] + " Session clients also get 403 when the CSRF check fails."))
            responses.setdefault("429", _error_response(_DESCRIPTIONS[429]))
            responses["429"].setdefault("headers", {}).update(_RETRY_AFTER)
            if any(p.get("in") == "header" and p.get("name") == "Idempotency-Key" for p in params):
                for status, response in responses.items():
                    if status[0] in "234":
                        response.setdefault("headers", {}).update(_REPLAYED)
            operation["responses"] = dict(sorted(responses.items()))
    return result


__all__ = ["ErrorSerializer", "errors", "public_errors", "inline_serializer",
           "add_common_error_responses", "unmark_optional_properties", "OPTIONAL_MARK"]
