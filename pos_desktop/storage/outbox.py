"""The outbox: business events written in the same transaction as the action, pushed later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from peewee import SqliteDatabase

from pos_desktop.domain.ids import new_id

from .codec import canonical_json, utc_text


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    seq: int
    event_id: str
    type: str
    payload: str
    created_at: str
    status: str
    attempts: int
    last_error: str | None


def append_event(
    db: SqliteDatabase, type_: str, payload: dict[str, Any] | str, now: datetime
) -> str:
    """Queue an event; call inside the business action's transaction. Returns the event id.

    ``payload`` is a dict, or its canonical JSON text when the caller already made it.
    """
    event_id = new_id()
    text = payload if isinstance(payload, str) else canonical_json(payload)
    db.execute_sql(
        "INSERT INTO outbox (event_id, type, payload, created_at) VALUES (?, ?, ?, ?)",
        (event_id, type_, text, utc_text(now)),
    )
    return event_id


def pending(db: SqliteDatabase, limit: int = 500) -> list[OutboxEvent]:
    rows = db.execute_sql(
        "SELECT seq, event_id, type, payload, created_at, status, attempts, last_error "
        "FROM outbox WHERE status = 'pending' ORDER BY seq LIMIT ?",
        (limit,),
    ).fetchall()
    return [OutboxEvent(*row) for row in rows]


def counts(db: SqliteDatabase) -> dict[str, int]:
    rows = db.execute_sql("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall()
    return dict(rows)


def pending_amount(db: SqliteDatabase, type_: str, account: str) -> int:
    """Sum of ``amount`` over unsent ``type_`` events for ``account`` (ledger events: points
    earned here, a gift card spent offline), which the cloud's balance does not hold yet."""
    row = db.execute_sql(
        "SELECT COALESCE(SUM(json_extract(payload, '$.amount')), 0) FROM outbox "
        "WHERE status = 'pending' AND type = ? AND json_extract(payload, '$.account') = ?",
        (type_, account),
    ).fetchone()
    return int(row[0])


def pending_total(db: SqliteDatabase, type_: str) -> int:
    """Sum of ``amount`` over unsent ``type_`` events for every account (all the gift cards
    this till spent offline and has not sent yet)."""
    row = db.execute_sql(
        "SELECT COALESCE(SUM(json_extract(payload, '$.amount')), 0) FROM outbox "
        "WHERE status = 'pending' AND type = ?",
        (type_,),
    ).fetchone()
    return int(row[0])


def unsent_receipts_for_order(db: SqliteDatabase, order_id: str) -> dict[str, Decimal]:
    """Quantity by sku this till received against purchase order ``order_id`` and has not
    handed to the cloud yet (its pending ``goods.received`` events)."""
    rows = db.execute_sql(
        "SELECT json_extract(l.value, '$.sku'), json_extract(l.value, '$.quantity') "
        "FROM outbox o, json_each(o.payload, '$.lines') l WHERE o.status = 'pending' "
        "AND o.type = 'goods.received' AND json_extract(o.payload, '$.purchase_order_id') = ?",
        (order_id,),
    ).fetchall()
    here: dict[str, Decimal] = {}
    for sku, qty in rows:
        here[sku] = here.get(sku, Decimal(0)) + Decimal(qty)
    return here
