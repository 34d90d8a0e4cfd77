"""The event quarantine: every event a batch rejected, kept with the reason.

A rejected event is never retried as it is (the till parks it), so without a copy here a
poisoned event would be visible only in the till's own queue. Keeping it lets an admin see
per terminal what was refused and why (``GET /v1/admin/stores/{store}/quarantine``,
``pos-cloud quarantine``) while the events behind it are stored. A till that sends the same
rejected event again adds no second row (unique per terminal and body), and a terminal keeps
at most :data:`MAX_PER_TERMINAL` rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import peewee as pw

from .bulk import insert_rows
from .catalog import get_store
from .models import BaseModel, Terminal, utcnow

LIST_LIMIT = 1000
# Per terminal. A hostile terminal could otherwise fill the table with 500 rows per request;
# past the cap its events are still rejected, only not copied (the first ones are kept).
MAX_PER_TERMINAL = 10_000


class EventQuarantine(BaseModel):
    """One rejected event (table made by migration 0005)."""

    terminal_id = pw.CharField(36)
    store_id = pw.CharField(36)
    event_id = pw.CharField(64, null=True)
    seq = pw.BigIntegerField(null=True)
    reason = pw.CharField(1000)
    body = pw.TextField()
    body_hash = pw.CharField(64)
    received_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "event_quarantine"


def _ascii_json(value: object) -> str:
    """JSON with every non-ASCII character escaped: a lone surrogate or a NUL is stored as
    its ``\\u`` escape, which both databases take."""
    return json.dumps(value, sort_keys=True, ensure_ascii=True, default=repr)


def keep(terminal: Terminal, rejected: list[tuple[object, str, str]]) -> None:
    """Quarantine rejected events ``(event as sent, event id, reason)`` of one batch.

    Runs inside the batch's transaction, so the copy commits with the batch's answer.
    """
    if not rejected:
        return
    held = EventQuarantine.select().where(EventQuarantine.terminal_id == terminal.id).count()
    room = MAX_PER_TERMINAL - held
    if room <= 0:
        return
    rejected = rejected[:room]
    now = utcnow()
    rows = []
    for raw, event_id, reason in rejected:
        body = _ascii_json(raw)
        seq = raw.get("seq") if isinstance(raw, dict) else None
        if type(seq) is not int or not 0 <= seq < 2**63:
            seq = None
        rows.append(
            (
                terminal.id,
                terminal.store_id,
                _ascii_json(event_id)[1:-1][:64] or None,
                seq,
                (reason or "")[:1000],
                body,
                hashlib.sha256(body.encode("ascii")).hexdigest(),
                now,
            )
        )
    names = ("terminal_id", "store_id", "event_id", "seq", "reason", "body", "body_hash")
    insert_rows(EventQuarantine, (*names, "received_at"), rows, ignore_conflicts=True)


def listing(store_id: str, terminal_id: str | None = None, limit: int = LIST_LIMIT) -> list[dict]:
    """The store's quarantined events, newest first (optionally of one terminal)."""
    get_store(store_id)
    query = EventQuarantine.select().where(EventQuarantine.store_id == store_id)
    if terminal_id:
        query = query.where(EventQuarantine.terminal_id == terminal_id)
    rows = query.order_by(EventQuarantine.id.desc()).limit(max(1, min(limit, LIST_LIMIT)))
    return [
        {
            "id": r.id,
            "terminal_id": r.terminal_id,
            "event_id": r.event_id,
            "seq": r.seq,
            "reason": r.reason,
            "received_at": r.received_at.replace(tzinfo=dt.UTC),
            "body": r.body,
        }
        for r in rows
    ]
