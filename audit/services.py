"""Writing audit events: the only way rows enter the audit log.

Events are appended in the caller's transaction, so a rolled-back change leaves no event
and a committed change always has one. Appends are serialized by a transaction-scoped
PostgreSQL advisory lock taken before reading the chain head: two transactions can never
link to the same previous event (no forked chain). The lock is held until the writer
commits, so auditing writers queue behind each other for the rest of their transaction;
that is the price of one total order (measured by bench/bench_audit.py).

A transaction's first event costs two statements: the lock, then one INSERT that reads
the head and computes the hash in SQL (``_insert_at_head``). The lock must stay a
statement of its own: under READ COMMITTED a statement sees what was committed when it
started, so a head read inside the statement that waits for the lock could miss the event
of the writer it waited for. Python builds the canonical JSON around the head's place
(``chain.canonical_around_prev_hash``) and SQL hashes exactly what ``chain.event_hash``
would, so the stored hash definition, and every verification, is unchanged.

Later events of the transaction cost one INSERT each: the head of the chain is then the
event this transaction appended last (no one else can append while the lock is held),
remembered on the connection as long as that event is certain to be in the transaction
(see ``_ChainHead``).
"""

import functools

from django.db import connection, transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from dpa_funding.request_context import current_request_id

from . import chain
from .context import current_actor
from .models import AuditEvent

# Arbitrary but fixed 64-bit key naming the audit chain among advisory locks.
CHAIN_LOCK_KEY = 0x44504133_41554449  # "DPA3" "AUDI"

_UNSET = object()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


class _ChainHead:
    """The hash of the last event this transaction appended, valid while the insert is.

    Its validity rides on Django's own bookkeeping of the transaction: ``remember``
    registers a no-op on-commit callback tagged with the savepoints open at the insert.
    Django drops that callback when the transaction commits or rolls back, and when any of
    those savepoints is rolled back (taking the event with it). So the callback still being
    queued means: same transaction, lock still held, event still there, head still ours.
    """

    attribute = "_audit_chain_head"

    @classmethod
    def get(cls) -> str | None:
        remembered = getattr(connection, cls.attribute, None)
        if remembered is None:
            return None
        marker, head = remembered
        if any(callback is marker for _, callback, _ in connection.run_on_commit):
            return head
        setattr(connection, cls.attribute, None)
        return None

    @classmethod
    def remember(cls, head: str) -> None:
        def marker():  # never does anything; only its presence in the queue matters
            return None

        transaction.on_commit(marker)
        setattr(connection, cls.attribute, (marker, head))


def _label(obj) -> tuple[str, int | None]:
    return obj._meta.label_lower, obj.pk


def audit_event(*, obj=None, action: str, actor=_UNSET, changes: dict | None = None,
                object_type: str | None = None, object_id: int | None = None) -> AuditEvent:
    """Append one event about ``obj`` (or ``object_type``/``object_id``) to the chain.

    ``actor`` None means the system; left out, it is the current request's user
    (audit.context). ``changes`` is JSON: ``{"before": {...}, "after": {...}}`` for record
    changes, plus whatever else explains the action (a transition's comment).
    """
    if obj is not None:
        object_type, object_id = _label(obj)
    if object_type is None:
        raise ValueError("audit_event needs obj or object_type.")
    if actor is _UNSET:
        actor = current_actor()
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    # No savepoint of its own: an event that cannot be written must undo the change it
    # records, so a failure here aborts the caller's transaction (two round trips fewer).
    with transaction.atomic(savepoint=False):
        prev_hash = _ChainHead.get()
        if prev_hash is None:
            _lock_chain()  # before ``at``: times follow the chain's order, as they always have
        at = timezone.now()
        request_id = current_request_id() or ""
        payload = chain.event_payload(
            object_type=object_type, object_id=object_id, action=action, actor_id=actor_id,
            request_id=request_id, changes=changes or {}, at=at, prev_hash=prev_hash,
        )
        fields = dict(object_type=object_type, object_id=object_id, action=action, actor_id=actor_id,
                      request_id=request_id, changes=payload["changes"], at=at)
        if prev_hash is None and _can_insert_at_head():
            event = _insert_at_head(fields, payload)
        else:
            if prev_hash is None:
                prev_hash = payload["prev_hash"] = (
                    AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or chain.GENESIS)
            event = AuditEvent.objects.create(**fields, prev_hash=prev_hash,
                                              hash=chain.event_hash(prev_hash, payload))
        _ChainHead.remember(event.hash)
        return event


def _can_insert_at_head() -> bool:
    # Raw SQL sends no pre_save/post_save: should anyone ever listen for AuditEvent's, the
    # ORM path (one head read more) keeps their contract. Nobody does today.
    return (connection.vendor == "postgresql" and not pre_save.has_listeners(AuditEvent)
            and not post_save.has_listeners(AuditEvent))


_COLUMNS = ("object_type", "object_id", "action", "actor_id", "request_id", "changes", "at")


@functools.cache
def _insert_sql() -> str:
    quote = connection.ops.quote_name
    column = {f.attname: quote(f.column) for f in AuditEvent._meta.concrete_fields}
    columns = ", ".join(column[name] for name in _COLUMNS)
    table, hash_, prev, pk = (quote(AuditEvent._meta.db_table), column["hash"], column["prev_hash"],
                              column["id"])
    # chain.event_hash is sha256 of the UTF-8 of prev_hash + canonical JSON, and the JSON is
    # before + prev_hash + after (chain.canonical_around_prev_hash): the same bytes here.
    # Table and column names are the model's own, quoted; every value is a parameter.
    return (
        f"INSERT INTO {table} ({columns}, {prev}, {hash_}) "  # nosec B608
        f"SELECT {', '.join(['%s'] * len(_COLUMNS))}, head.hash, encode(sha256(convert_to("
        f"head.hash || %s || head.hash || %s, 'UTF8')), 'hex') "
        f"FROM (SELECT coalesce((SELECT {hash_} FROM {table} ORDER BY {pk} DESC LIMIT 1), %s) AS hash) head "
        f"RETURNING {pk}, {prev}, {hash_}"
    )


def _insert_at_head(fields: dict, payload: dict) -> AuditEvent:
    """Read the head, link to it and hash, in one INSERT; the chain lock is already held."""
    before, after = chain.canonical_around_prev_hash(payload)
    meta = AuditEvent._meta
    params = [meta.get_field(name).get_db_prep_save(fields[name], connection) for name in _COLUMNS]
    params += [before, after, chain.GENESIS]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(), params)
        pk, prev_hash, hash_ = cursor.fetchone()
    event = AuditEvent(id=pk, **fields, prev_hash=prev_hash, hash=hash_)
    event._state.adding, event._state.db = False, connection.alias
    return event
