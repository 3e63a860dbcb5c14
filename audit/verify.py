"""Recompute the audit chain and find the first event that does not fit."""

from dataclasses import dataclass

from . import chain
from .models import AuditEvent

FIELDS = ("id", "object_type", "object_id", "action", "actor_id", "request_id", "changes", "at",
          "prev_hash", "hash")


@dataclass
class ChainReport:
    count: int
    head: str
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(chunk_size: int = 2000) -> ChainReport:
    """Walk every event in id order: each must link to the one before it and hash to itself."""
    expected_prev, count = chain.GENESIS, 0
    for row in AuditEvent.objects.order_by("id").values(*FIELDS).iterator(chunk_size=chunk_size):
        count += 1
        if row["prev_hash"] != expected_prev:
            return ChainReport(
                count, expected_prev, row["id"],
                f"event {row['id']} links to {row['prev_hash'][:16]}... but the event before it "
                f"hashes to {expected_prev[:16]}... (an event before it was removed, inserted or changed)",
            )
        computed = chain.hash_of(row)
        if computed != row["hash"]:
            return ChainReport(
                count, expected_prev, row["id"],
                f"event {row['id']} ({row['action']} {row['object_type']}:{row['object_id']}) was "
                f"changed: its content hashes to {computed[:16]}... not the stored {row['hash'][:16]}...",
            )
        expected_prev = row["hash"]
    return ChainReport(count, expected_prev)
