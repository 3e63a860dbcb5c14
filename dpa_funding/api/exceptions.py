"""One DRF exception handler: every error body is {"detail", "code", ...}."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from dpa_funding.errors import ConditionsUnmet, DomainError, ValidationFailed


def exception_handler(exc, context):
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database went away (restart, failover): a clean 503 the client may retry.
        from dpa_funding.middleware import BODY, RETRY_AFTER_SECONDS

        set_rollback()
        return Response(dict(BODY), status=status.HTTP_503_SERVICE_UNAVAILABLE,
                        headers={"Retry-After": RETRY_AFTER_SECONDS})
    if isinstance(exc, DomainError):
        body = {"detail": exc.detail, "code": exc.code, **exc.extra}
        if isinstance(exc, ConditionsUnmet):
            body["unmet"] = exc.unmet
        if isinstance(exc, ValidationFailed):
            body.update(exc.errors)
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(
            {"detail": "Some fields are not valid.", "code": "invalid", **errors},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        data = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"detail": "Some fields are not valid.", "code": "invalid", **data}
    elif isinstance(response.data, dict) and "detail" in response.data:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        response.data = {
            "detail": str(response.data["detail"]),
            "code": codes if isinstance(codes, str) else "error",
        }
    return response
