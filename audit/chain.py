"""The hash chain: canonical JSON of an event and its sha256 link to the previous event.

``hash = sha256(prev_hash + canonical_json(event))`` where the canonical JSON has sorted
keys, no whitespace and UTF-8 text. Values are made JSON-native first (``jsonable``) so
what is hashed is exactly what the JSON column stores and gives back.
"""

import datetime as dt
import hashlib
import json
import uuid
from decimal import Decimal

GENESIS = "0" * 64


def jsonable(value):
    """A JSON-native copy of ``value``: decimals as strings, times as ISO 8601, files as names."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        # As text: jsonb would give 1e+20 back as 100000000000000000000, breaking the hash.
        return repr(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((jsonable(v) for v in value), key=lambda v: (str(type(v)), str(v)))
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or ""
    if isinstance(value, bytes | memoryview):
        return hashlib.sha256(bytes(value)).hexdigest()
    return str(value)


def canonical(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_payload(*, object_type: str, object_id, action: str, actor_id, request_id,
                  changes, at: dt.datetime, prev_hash: str) -> dict:
    """The fields an event's hash covers (everything but the database id and the hash)."""
    return {
        "object_type": object_type,
        "object_id": None if object_id is None else int(object_id),
        "action": action,
        "actor": actor_id,
        "request_id": request_id or None,
        "changes": jsonable(changes),
        "at": jsonable(at),
        "prev_hash": prev_hash,
    }


def event_hash(prev_hash: str, payload: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(payload)).encode("utf-8")).hexdigest()


def canonical_around_prev_hash(payload: dict) -> tuple[str, str]:
    """``(before, after)`` with ``canonical(payload) == before + payload["prev_hash"] + after``.

    For a writer that learns ``prev_hash`` only in the database (audit.services): the hash
    is then ``sha256(prev_hash + before + prev_hash + after)``. Built from ``canonical``
    itself, split at the key's place in the sorted order, so the two stay one definition;
    a hash is hex, so its JSON string is itself between quotes (nothing to escape).
    """
    lower = {k: v for k, v in payload.items() if k < "prev_hash"}
    upper = {k: v for k, v in payload.items() if k > "prev_hash"}
    before = canonical(lower)[:-1] + ("," if lower else "") + '"prev_hash":"'
    after = '"' + ("," + canonical(upper)[1:] if upper else "}")
    return before, after


def hash_of(event) -> str:
    """Recompute the hash of a stored AuditEvent (or a dict with the same keys)."""
    get = event.get if isinstance(event, dict) else lambda name: getattr(event, name)
    payload = event_payload(
        object_type=get("object_type"), object_id=get("object_id"), action=get("action"),
        actor_id=get("actor_id"), request_id=get("request_id"), changes=get("changes"),
        at=get("at"), prev_hash=get("prev_hash"),
    )
    return event_hash(payload["prev_hash"], payload)
