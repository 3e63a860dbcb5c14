"""A transaction's first audit event: the lock, then one INSERT that reads the head and hashes
in SQL (audit.services). The SQL hash must be chain.event_hash's, byte for byte."""

import datetime as dt
import random
import uuid
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from audit import chain
from audit.append_only import AppendOnlyError
from audit.models import AuditEvent
from audit.services import audit_event
from audit.verify import verify_chain
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def forget_head() -> None:
    """As at the start of a new transaction: the next event takes the lock and reads the head."""
    connection._audit_chain_head = None


def head() -> str:
    return AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or chain.GENESIS


def expected_hash(event: AuditEvent, changes) -> str:
    """chain.event_hash over the inputs as audit_event was given them (not as stored)."""
    payload = chain.event_payload(
        object_type=event.object_type, object_id=event.object_id, action=event.action,
        actor_id=event.actor_id, request_id=event.request_id, changes=changes, at=event.at,
        prev_hash=event.prev_hash)
    return chain.event_hash(event.prev_hash, payload)


CHANGES = [
    {},
    {"before": {"status": "draft"}, "after": {"status": "submitted"}, "comment": ""},
    {"before": {"amount": Decimal("1.10"), "big": Decimal("12345678901234567890.00"), "neg": Decimal("-0.001")},
     "after": {"ratio": 1e20, "small": 1.5e-7, "flag": True, "none": None, "zero": 0}},
    {"unicode": "Cobalt — Ni/Co: café, 中文, עברית, 🙂, \u2028\u2029, \ufeff"},
    {"quotes": 'he said "no" \\ then \'yes\'', "controls": "tab\tnew\nline\rcr\x01\x1f\x7f"},
    {"nested": {"a": [1, [2, [3, {"b": None}]], {"c": {"d": "e"}}], "z": {}, "y": []}},
    {"prev_hash": "not the chain's", "z_after": "keys around prev_hash", "a": 1},
    {"when": dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
     "day": dt.date(2027, 1, 1), "time": dt.time(9, 30), "id": uuid.UUID(int=7),
     "set": {3, 1, 2}, "tuple": (1, "x"), "bytes": b"\x00\xff"},
    {"kéy ünïcode": "v", "1": "numeric key", "": "empty key", "A": "upper sorts first"},
    {"long": "x" * 20000},
]


def random_text(rng: random.Random) -> str:
    # Any code point but NUL (jsonb refuses \u0000 whatever path writes it) and surrogates.
    def char():
        while True:
            c = rng.choice([rng.randint(1, 0x7F), rng.randint(0x80, 0x7FF), rng.randint(0x800, 0xFFFF),
                            rng.randint(0x10000, 0x10FFFF)])
            if not 0xD800 <= c <= 0xDFFF:
                return chr(c)
    return "".join(char() for _ in range(rng.randint(0, 12)))


def random_value(rng: random.Random, depth: int = 0):
    kinds = ["text", "int", "decimal", "float", "none", "bool"] + (["dict", "list"] if depth < 3 else [])
    kind = rng.choice(kinds)
    if kind == "dict":
        return {random_text(rng): random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}
    if kind == "list":
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {"text": lambda: random_text(rng), "int": lambda: rng.randint(-2**62, 2**62),
            "decimal": lambda: Decimal(rng.randint(-10**12, 10**12)) / 100,
            "float": lambda: rng.uniform(-1e12, 1e12), "none": lambda: None,
            "bool": lambda: rng.random() < 0.5}[kind]()


def random_changes(seed: int) -> dict:
    rng = random.Random(seed)
    return {random_text(rng): random_value(rng) for _ in range(rng.randint(0, 6))}


# ---------------------------------------------------------------- statements


def test_a_one_event_transaction_costs_the_lock_and_one_insert():
    user = UserFactory()
    forget_head()
    previous = head()
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        event = audit_event(object_type="tests.thing", object_id=1, action="note", actor=user,
                            changes={"n": 1})
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert len(sqls) == 2, sqls
    assert sqls[0].startswith("SELECT pg_advisory_xact_lock(")
    assert sqls[1].startswith('INSERT INTO "audit_auditevent"')
    # The returned instance is the stored row, linked to the head that was there.
    assert event.pk is not None and not event._state.adding
    assert event.prev_hash == previous
    assert event.hash == expected_hash(event, {"n": 1}) == chain.hash_of(AuditEvent.objects.get(pk=event.pk))
    stored = AuditEvent.objects.get(pk=event.pk)
    assert [getattr(stored, f) for f in ("object_type", "object_id", "action", "actor_id", "request_id",
                                         "changes", "at", "prev_hash", "hash")] == \
           [getattr(event, f) for f in ("object_type", "object_id", "action", "actor_id", "request_id",
                                        "changes", "at", "prev_hash", "hash")]
    assert event.actor == user
    with pytest.raises(AppendOnlyError):
        event.save()  # a saved row, not a new one
    assert verify_chain().ok


def test_the_next_event_of_the_transaction_links_to_the_returned_hash_in_one_insert():
    forget_head()
    with transaction.atomic():
        first = audit_event(object_type="tests.thing", object_id=1, action="a", actor=None)
        with CaptureQueriesContext(connection) as ctx:
            second = audit_event(object_type="tests.thing", object_id=1, action="b", actor=None)
    assert len(ctx.captured_queries) == 1
    assert second.prev_hash == first.hash
    assert verify_chain().ok


def test_the_first_event_of_an_empty_log_links_to_genesis():
    assert not AuditEvent.objects.exists()
    forget_head()
    event = audit_event(object_type="tests.thing", object_id=None, action="first", actor=None)
    assert event.prev_hash == chain.GENESIS
    assert event.hash == expected_hash(event, {})
    assert verify_chain().ok


# ---------------------------------------------------------------- the SQL hash is the Python hash


@pytest.mark.parametrize("changes", CHANGES, ids=range(len(CHANGES)))
def test_the_hash_computed_in_sql_is_chain_event_hash(changes):
    forget_head()
    event = audit_event(object_type="tests.thïng", object_id=2**62, action="ünïcode", actor=None,
                        changes=changes)
    assert event.hash == expected_hash(event, changes)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.hash == event.hash == chain.hash_of(stored)
    assert verify_chain().ok


def test_the_hash_computed_in_sql_is_chain_event_hash_over_random_payloads():
    user = UserFactory()
    rng = random.Random(12)
    for seed in range(150):
        changes = random_changes(seed)
        forget_head()
        event = audit_event(object_type=random_text(rng) or "t", object_id=rng.choice([None, seed]),
                            action=random_text(rng)[:12] or "a", actor=rng.choice([None, user]),
                            changes=changes)
        assert event.hash == expected_hash(event, changes), (seed, changes)
    assert verify_chain().ok


@pytest.mark.parametrize("seed", range(300))
def test_the_canonical_json_splits_exactly_around_prev_hash(seed):
    changes = CHANGES[seed] if seed < len(CHANGES) else random_changes(seed)
    payload = chain.event_payload(object_type="o", object_id=seed, action="a", actor_id=None,
                                  request_id=random_text(random.Random(seed)), changes=changes,
                                  at=dt.datetime.now(dt.UTC), prev_hash=head_like(seed))
    before, after = chain.canonical_around_prev_hash(payload)
    assert before + payload["prev_hash"] + after == chain.canonical(payload)


def head_like(seed: int) -> str:
    return chain.GENESIS if seed % 2 else random.Random(seed).randbytes(32).hex()


# ---------------------------------------------------------------- chains of mixed transactions


@pytest.mark.django_db(transaction=True)
def test_the_chain_verifies_after_one_and_many_event_transactions_and_rolled_back_savepoints():
    before = AuditEvent.objects.count()

    def note(n):
        return audit_event(object_type="tests.thing", object_id=n, action="note", actor=None, changes={"n": n})

    note(1)  # autocommit: a transaction of its own
    with transaction.atomic():
        note(2)
    with transaction.atomic():
        for n in (3, 4, 5):
            note(n)
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            note(6)  # the transaction's first event, rolled back with its savepoint...
            note(7)
            raise RuntimeError
        kept = note(8)  # ...so this one reads the head again: event 5
    assert kept.prev_hash == AuditEvent.objects.get(object_type="tests.thing", object_id=5).hash
    with transaction.atomic():
        note(9)
        with pytest.raises(RuntimeError), transaction.atomic():
            note(10)
            raise RuntimeError
        note(11)
    with pytest.raises(RuntimeError), transaction.atomic():
        note(12)  # a whole transaction rolled back
        raise RuntimeError
    with transaction.atomic():
        note(13)
    assert list(AuditEvent.objects.filter(object_type="tests.thing").values_list("object_id", flat=True)) == [
        1, 2, 3, 4, 5, 8, 9, 11, 13]
    report = verify_chain()
    assert report.ok, report.reason
    assert report.count == before + 9


# ---------------------------------------------------------------- the other paths


def test_a_post_save_receiver_of_audit_events_still_hears_every_event():
    heard = []

    def receiver(sender, instance, created, **kwargs):
        heard.append((created, instance.pk, instance.hash))

    post_save.connect(receiver, sender=AuditEvent, dispatch_uid="test-audit-receiver")
    try:
        forget_head()
        with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
            event = audit_event(object_type="tests.thing", object_id=1, action="heard", actor=None)
    finally:
        post_save.disconnect(sender=AuditEvent, dispatch_uid="test-audit-receiver")
    assert heard == [(True, event.pk, event.hash)]
    assert len(ctx.captured_queries) == 3  # the ORM path: lock, head read, INSERT
    assert verify_chain().ok


def test_other_databases_keep_the_orm_path(monkeypatch):
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    forget_head()
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        event = audit_event(object_type="tests.thing", object_id=1, action="elsewhere", actor=None)
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert len(sqls) == 2 and sqls[0].startswith('SELECT "audit_auditevent"."hash"'), sqls
    assert event.hash == expected_hash(event, {})
    monkeypatch.undo()
    assert verify_chain().ok
