"""Void records (voided lines, cancelled sales, dropped parked sales) with their audit entry.

``record`` writes the audit-log entry, the ``void_record`` row and a journal record in one
transaction: the cart change and its record are made together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import SqliteDatabase

from pos_desktop.domain.ids import new_id

from . import audit, journal
from .codec import utc_text

EVENTS = {
    "line": "cart.line_voided",
    "sale": "cart.sale_cancelled",
    "parked_sale": "parked.dropped",
}


@dataclass(frozen=True, slots=True)
class VoidRecord:
    kind: str  # 'line', 'sale' or 'parked_sale'
    terminal_id: str
    shift_id: str | None
    object_id: str | None
    description: str
    quantity: str | None
    amount_minor: int
    currency: str
    requester: str
    approver: str
    reason: str | None
    approval_seq: int | None = None
    event: str | None = None  # the audit/journal event, when not the kind's (a lowered quantity)


def record(db: SqliteDatabase, void: VoidRecord, now: datetime) -> int:
    """Store ``void`` with its audit and journal entries (one transaction); the audit seq."""
    event = void.event or EVENTS[void.kind]
    detail = {
        "kind": void.kind,
        "description": void.description,
        "quantity": void.quantity,
        "amount_minor": void.amount_minor,
        "currency": void.currency,
        "requester": void.requester,
        "approver": void.approver,
        "reason": void.reason,
        "shift_id": void.shift_id,
    }
    with db.atomic():
        head = audit.append(
            db,
            event,
            user=void.requester,
            outcome=audit.GRANTED,
            now=now,
            object_id=void.object_id,
            detail=detail,
        )
        record_id = new_id()
        db.execute_sql(
            "INSERT INTO void_record (id, kind, terminal_id, shift_id, object_id, description, "
            "quantity, amount_minor, currency, requester, approver, reason, approval_seq, "
            "audit_seq, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record_id,
                void.kind,
                void.terminal_id,
                void.shift_id,
                void.object_id,
                void.description,
                void.quantity,
                void.amount_minor,
                void.currency,
                void.requester,
                void.approver,
                void.reason,
                void.approval_seq,
                head.seq,
                utc_text(now),
            ),
        )
        journal.append(db, event, record_id, {**detail, "audit_seq": head.seq}, now)
    return head.seq


def totals(db: SqliteDatabase, shift_id: str) -> dict[str, tuple[int, int]]:
    """Kind -> (count, amount) for one shift."""
    rows = db.execute_sql(
        "SELECT kind, COUNT(*), COALESCE(SUM(amount_minor), 0) FROM void_record "
        "WHERE shift_id = ? GROUP BY kind",
        (shift_id,),
    ).fetchall()
    return {kind: (n, amount) for kind, n, amount in rows}
