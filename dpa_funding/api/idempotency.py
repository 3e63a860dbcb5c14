"""Idempotency-Key support for unsafe API calls (api.md, "Idempotency").

Decorate a DRF view method (``post`` of an APIView or a ViewSet action)::

    @idempotent
    def post(self, request, *args, **kwargs): ...

and add ``IDEMPOTENCY_KEY`` to the operation's ``extend_schema(parameters=[...])``.

Rules: the same key from the same user on the same method and path (the *scope*) with the
same body within 24 hours returns the first response (status and body) without doing the
work again; the same key with a different body is refused with 422
``idempotency_key_reused``. 2xx and 4xx responses are recorded; 5xx and unhandled errors are
not, so the client may retry them.

Concurrency: the record is inserted before the work runs, in the same transaction as the
work (the view runs in the claim's transaction, under no savepoint of its own). A
simultaneous duplicate blocks on the unique index until the first request commits, then
sees the committed record and replays it; if the first rolls back, the duplicate does the
work itself. Nothing ever runs twice: work that rolled back never happened.

A view that raises a domain or DRF error (a 4xx) leaves the claim's transaction by that
exception, so the work, the claim and the on-commit callbacks the work queued are all rolled
back; the 4xx is then recorded by a second claim that stores the response in the same
statement. If a duplicate took the key in between (it was waiting on our claim), that claim
finds the duplicate's record: our 4xx is returned and the key keeps the duplicate's answer.
A 4xx the view returns without raising is recorded with its work, as a 2xx is.
"""

import hashlib
import json
from datetime import timedelta
from functools import wraps

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from applications.models import IdempotencyRecord

HEADER = "Idempotency-Key"
TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255

IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER, str, OpenApiParameter.HEADER, required=False,
    description="Any unique string (e.g. a UUID). Retrying with the same key and body within "
                "24 hours returns the first response without repeating the action; the same "
                "key with a different body returns 422.",
)


def _error(status: int, detail: str, code: str) -> Response:
    return Response({"detail": detail, "code": code}, status=status)


def request_fingerprint(request) -> str:
    """sha256 of the parsed body, independent of key order and formatting."""
    data = request.data
    if hasattr(data, "lists"):  # QueryDict (form or multipart): keep repeated keys
        data = {key: values for key, values in data.lists()}
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(record: IdempotencyRecord) -> Response:
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def _claim(user_id: int, key: str, scope: str, fingerprint: str, response: Response | None = None
           ) -> int | None:
    """Take the key in one statement: insert it, or take over a record past its 24 hours;
    with ``response``, store it as the key's answer in the same statement. Returns the
    record id, or None when a live record holds the key. A concurrent holder that has not
    committed yet makes this wait on the unique index, as a plain INSERT would, so nothing
    ever runs twice."""
    table = IdempotencyRecord._meta.db_table
    now = timezone.now()  # the application's clock, like every other expiry here
    status, body = (None, None) if response is None else (response.status_code, _body(response))
    with connection.cursor() as cursor:
        # The table name is the model's own; every value is a parameter.
        cursor.execute(
            f"""INSERT INTO {table} (user_id, key, scope, request_hash, response_status, response_body, created_at)
                VALUES (%s, %s, %s, %s, %s, %s::jsonb, %s)
                ON CONFLICT (user_id, key, scope) DO UPDATE
                    SET request_hash = EXCLUDED.request_hash, response_status = EXCLUDED.response_status,
                        response_body = EXCLUDED.response_body, created_at = EXCLUDED.created_at
                    WHERE {table}.created_at < %s
                RETURNING id""",  # nosec B608
            [user_id, key, scope, fingerprint, status, body, now, now - TTL],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _body(response: Response) -> str:
    return json.dumps(response.data, cls=DjangoJSONEncoder)


def _held(mine, fingerprint: str) -> Response:
    """The answer to a request whose key a committed record holds: replay or refuse."""
    record = mine.first()
    if record is None:  # the holder rolled back between our claim and this read
        return _error(409, "A request with this key was running; retry.", "conflict")
    if record.request_hash != fingerprint:
        return _error(422, f"This {HEADER} was already used with a different request body.",
                      "idempotency_key_reused")
    return _replay(record)


def idempotent(view_method):
    """Honour the Idempotency-Key header on a DRF view method (see the module docstring)."""

    @wraps(view_method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            return view_method(view, request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            return _error(400, f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters.", "invalid")
        scope = f"{request.method} {request.path}"[:255]
        fingerprint = request_fingerprint(request)
        mine = IdempotencyRecord.objects.filter(user=request.user, key=key, scope=scope)

        in_view = False
        try:
            with transaction.atomic():
                claimed = _claim(request.user.pk, key, scope, fingerprint)
                if claimed is None:
                    return _held(mine, fingerprint)
                in_view = True
                response = view_method(view, request, *args, **kwargs)
                in_view = False
                if response.status_code >= 500:
                    transaction.set_rollback(True)
                    return response
                IdempotencyRecord.objects.filter(pk=claimed).update(
                    response_status=response.status_code, response_body=json.loads(_body(response)))
            return response
        except Exception as exc:
            if not in_view:  # the claim, the record or the commit failed: not the view's error
                raise
            # The view's exception has rolled back the whole transaction (no savepoint to
            # keep the claim: one fewer pair of statements on every request that succeeds).
            # Domain and DRF errors become their 4xx response here; anything unhandled
            # re-raises, and nothing is recorded.
            response = view.handle_exception(exc)
        if response.status_code < 500:
            _claim(request.user.pk, key, scope, fingerprint, response)
        return response

    return wrapper


def idempotency_records_purge() -> int:
    """Delete records older than the replay window; returns how many. Safe to run any time
    (e.g. from a daily beat task): an expired key is treated as unused anyway."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - TTL).delete()
    return deleted
