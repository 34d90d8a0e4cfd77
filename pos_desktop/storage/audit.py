"""The append-only, hash-chained audit log of sensitive events (PCI DSS 10.2).

Same chain as the sales journal (``journal.record_hash``): user, event, UTC time, outcome and
object are all under the hash, so an edited, deleted or reordered entry is found by ``verify``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peewee import SqliteDatabase

from pos_desktop.domain.ids import new_id

from .codec import canonical_json, utc_text
from .journal import GENESIS_HASH, ChainHead, VerifyResult, record_hash

GRANTED, DENIED = "granted", "denied"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    event: str
    object_id: str | None
    created_at: str
    user_name: str | None
    outcome: str
    detail: str


def _body(user: str | None, outcome: str, detail: dict[str, Any]) -> str:
    return canonical_json({"user": user, "outcome": outcome, "detail": detail})


def append(
    db: SqliteDatabase,
    event: str,
    *,
    user: str | None,
    outcome: str,
    now: datetime,
    object_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> ChainHead:
    """Append one entry; call inside the action's transaction when there is one.

    On its own it reads the chain head and then writes: IMMEDIATE takes the write lock first,
    so a writer committing in between (the sync puller) is waited for, not "database is
    locked" (a deferred read cannot be upgraded once another commit moved past it).
    """
    with db.atomic("IMMEDIATE"):
        row = db.execute_sql("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        prev = ChainHead(*row) if row else ChainHead(0, GENESIS_HASH)
        seq, record_id, created = prev.seq + 1, new_id(), utc_text(now)
        body = _body(user, outcome, detail or {})
        digest = record_hash(prev.hash, seq, record_id, event, object_id, created, body)
        db.execute_sql(
            "INSERT INTO audit_log (seq, record_id, event, object_id, created_at, user_name, "
            "outcome, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, record_id, event, object_id, created, user, outcome, body, prev.hash, digest),
        )
    return ChainHead(seq, digest)


def entries(db: SqliteDatabase, event: str | None = None, limit: int = 1000) -> list[AuditEntry]:
    """The newest ``limit`` entries (optionally one event type), oldest first."""
    where, params = ("WHERE event = ?", (event, limit)) if event else ("", (limit,))
    rows = db.execute_sql(
        "SELECT seq, event, object_id, created_at, user_name, outcome, body FROM ("
        f"SELECT * FROM audit_log {where} ORDER BY seq DESC LIMIT ?) ORDER BY seq",  # noqa: S608
        params,
    ).fetchall()
    return [AuditEntry(*r) for r in rows]


def _columns_match(body: str, user: str | None, outcome: str) -> bool:
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return data.get("user") == user and data.get("outcome") == outcome


def verify(db: SqliteDatabase) -> VerifyResult:
    """Walk the audit chain; also checks the user/outcome columns match the hashed body."""
    result = VerifyResult()
    prev_hash, expected_seq = GENESIS_HASH, 1
    cursor = db.execute_sql(
        "SELECT seq, record_id, event, object_id, created_at, user_name, outcome, body, "
        "prev_hash, hash FROM audit_log ORDER BY seq"
    )
    for seq, rid, event, obj, created, user, outcome, body, stored_prev, stored in cursor:
        result.checked += 1
        if seq != expected_seq:
            result.problems.append(f"audit entry {expected_seq}: missing (next is {seq})")
        if stored_prev != prev_hash:
            result.problems.append(f"audit entry {seq}: does not follow the entry before it")
        digest = record_hash(stored_prev, seq, rid, event, obj, created, body)
        if digest != stored or not _columns_match(body, user, outcome):
            result.problems.append(f"audit entry {seq}: content was changed after it was written")
        prev_hash, expected_seq = stored, seq + 1
    return result
