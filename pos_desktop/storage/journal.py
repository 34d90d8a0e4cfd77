"""The append-only, hash-chained sales journal.

Each record's hash covers its sequence number, content and the previous record's hash, so an
edited, deleted or reordered record breaks the chain; a truncated tail is found by comparing with
a chain head kept elsewhere (Z reports, the cloud).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from peewee import SqliteDatabase

from pos_desktop.domain.ids import new_id

from .codec import canonical_json, utc_text

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class ChainHead:
    seq: int
    hash: str


def record_hash(
    prev_hash: str,
    seq: int,
    record_id: str,
    type_: str,
    object_id: str | None,
    created_at: str,
    body: str,
) -> str:
    """SHA-256 over every field, each length-prefixed so no two records share an input.

    (Length prefixes instead of JSON: escaping a kilobyte body per record was most of the cost
    of verifying a million records.)
    """
    parts = [
        text.encode("utf-8")
        for text in (prev_hash, str(seq), record_id, type_, object_id or "", created_at, body)
    ]
    head = ",".join(str(len(part)) for part in parts)
    flag = b"1" if object_id is not None else b"0"  # None and "" stay distinct
    return hashlib.sha256(b"|".join([head.encode(), flag, *parts])).hexdigest()


def head(db: SqliteDatabase) -> ChainHead:
    row = db.execute_sql("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
    return ChainHead(*row) if row else ChainHead(0, GENESIS_HASH)


def hash_at(db: SqliteDatabase, seq: int) -> str | None:
    """The hash of record ``seq``; None when there is no such record."""
    row = db.execute_sql("SELECT hash FROM journal WHERE seq = ?", (seq,)).fetchone()
    return row[0] if row else None


def append(
    db: SqliteDatabase,
    type_: str,
    object_id: str | None,
    body: dict[str, Any] | str,
    now: datetime,
) -> ChainHead:
    """Append one record; call inside the business action's transaction.

    ``body`` is a dict, or its canonical JSON when the caller already has it (a sale writes the
    same text to the journal and the outbox).
    """
    prev = head(db)
    seq = prev.seq + 1
    record_id = new_id()
    created = utc_text(now)
    body_text = body if isinstance(body, str) else canonical_json(body)
    digest = record_hash(prev.hash, seq, record_id, type_, object_id, created, body_text)
    db.execute_sql(
        "INSERT INTO journal (seq, record_id, type, object_id, created_at, body, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, record_id, type_, object_id, created, body_text, prev.hash, digest),
    )
    return ChainHead(seq, digest)


@dataclass
class VerifyResult:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(db: SqliteDatabase, expected_head: ChainHead | None = None) -> VerifyResult:
    """Walk the chain and report every break, naming the record's sequence number."""
    result = VerifyResult()
    prev_hash, expected_seq = GENESIS_HASH, 1
    cursor = db.execute_sql(
        "SELECT seq, record_id, type, object_id, created_at, body, prev_hash, hash "
        "FROM journal ORDER BY seq"
    )
    for seq, record_id, type_, object_id, created, body, stored_prev, stored_hash in cursor:
        result.checked += 1
        if seq != expected_seq:
            result.problems.append(
                f"record {expected_seq}: missing (the next record is {seq}); records were deleted"
            )
        if stored_prev != prev_hash:
            result.problems.append(f"record {seq}: does not follow the record before it")
        actual = record_hash(stored_prev, seq, record_id, type_, object_id, created, body)
        if actual != stored_hash:
            result.problems.append(f"record {seq}: content was changed after it was written")
        prev_hash, expected_seq = stored_hash, seq + 1
    if expected_head is not None:
        last_seq = expected_seq - 1
        if last_seq < expected_head.seq:
            result.problems.append(
                f"journal ends at record {last_seq} but record {expected_head.seq} was "
                "recorded as the chain head: records were removed from the end"
            )
        elif expected_head.seq > 0:
            row = db.execute_sql(
                "SELECT hash FROM journal WHERE seq = ?", (expected_head.seq,)
            ).fetchone()
            if row is None or row[0] != expected_head.hash:
                result.problems.append(
                    f"record {expected_head.seq}: differs from the recorded chain head"
                )
    return result
