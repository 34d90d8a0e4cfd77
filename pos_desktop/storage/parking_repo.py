"""Parked sales: a cart snapshot with a label, kept until recalled or cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import SqliteDatabase

from .codec import utc_text

_COLUMNS = (
    "id, label, source, reference, status, cart_snapshot, total_minor, currency, line_count, "
    "cashier, created_at"
)


@dataclass(frozen=True, slots=True)
class ParkedRow:
    id: str
    label: str
    source: str
    reference: str | None
    status: str
    cart_snapshot: str
    total_minor: int
    currency: str
    line_count: int
    cashier: str | None
    created_at: str


class ParkingRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def insert(self, row: ParkedRow) -> None:
        self._db.execute_sql(
            f"INSERT INTO parked_sale ({_COLUMNS}, updated_at) "  # noqa: S608
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row.id,
                row.label,
                row.source,
                row.reference,
                row.status,
                row.cart_snapshot,
                row.total_minor,
                row.currency,
                row.line_count,
                row.cashier,
                row.created_at,
                row.created_at,
            ),
        )

    def get(self, parked_id: str) -> ParkedRow | None:
        row = self._db.execute_sql(
            f"SELECT {_COLUMNS} FROM parked_sale WHERE id = ?",  # noqa: S608
            (parked_id,),
        ).fetchone()
        return ParkedRow(*row) if row else None

    def parked(self) -> list[ParkedRow]:
        rows = self._db.execute_sql(
            f"SELECT {_COLUMNS} FROM parked_sale WHERE status = 'parked' "  # noqa: S608
            "ORDER BY created_at, id"
        ).fetchall()
        return [ParkedRow(*r) for r in rows]

    def leave_parked(self, parked_id: str, status: str, now: datetime) -> bool:
        """Move a parked row to ``status``; False when it was no longer parked."""
        cur = self._db.execute_sql(
            "UPDATE parked_sale SET status = ?, updated_at = ? WHERE id = ? AND status = 'parked'",
            (status, utc_text(now), parked_id),
        )
        return cur.rowcount == 1
