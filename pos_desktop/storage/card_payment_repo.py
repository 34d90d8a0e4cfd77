"""Card payment rows: the till's memory of every request sent to a card terminal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import SqliteDatabase

from .codec import utc_text

# pending: saved, maybe sent, no answer recorded (a crash leaves this) -> treated as unknown
OPEN_STATUSES = ("pending", "unknown")
_COLUMNS = (
    "id, reference, kind, amount_minor, currency, status, sale_id, cart_snapshot, card_brand, "
    "last4, auth_code, terminal_reference, receipt_text, message, cashier, created_at"
)


@dataclass(frozen=True, slots=True)
class CardPaymentRow:
    id: str
    reference: str
    kind: str
    amount_minor: int
    currency: str
    status: str
    sale_id: str | None
    cart_snapshot: str
    card_brand: str | None
    last4: str | None
    auth_code: str | None
    terminal_reference: str | None
    receipt_text: str | None
    message: str | None
    cashier: str | None
    created_at: str


class CardPaymentRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def insert_pending(
        self,
        payment_id: str,
        reference: str,
        kind: str,
        amount_minor: int,
        currency: str,
        cart_snapshot: str,
        cashier: str | None,
        now: datetime,
    ) -> None:
        stamp = utc_text(now)
        self._db.execute_sql(
            "INSERT INTO card_payment (id, reference, kind, amount_minor, currency, status, "
            "cart_snapshot, cashier, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)",
            (
                payment_id,
                reference,
                kind,
                amount_minor,
                currency,
                cart_snapshot,
                cashier,
                stamp,
                stamp,
            ),
        )

    def record_result(
        self,
        payment_id: str,
        status: str,
        *,
        now: datetime,
        card_brand=None,
        last4=None,
        auth_code=None,
        terminal_reference=None,
        receipt_text=None,
        message=None,
        sale_id=None,
        resolved_by=None,
    ) -> None:
        """Store an outcome; only an open (pending/unknown) payment can change."""
        cur = self._db.execute_sql(
            "UPDATE card_payment SET status = ?, card_brand = COALESCE(?, card_brand), "
            "last4 = COALESCE(?, last4), auth_code = COALESCE(?, auth_code), "
            "terminal_reference = COALESCE(?, terminal_reference), "
            "receipt_text = COALESCE(?, receipt_text), message = COALESCE(?, message), "
            "sale_id = COALESCE(?, sale_id), resolved_by = COALESCE(?, resolved_by), "
            "updated_at = ? WHERE id = ? AND status IN ('pending', 'unknown')",
            (
                status,
                card_brand,
                last4,
                auth_code,
                terminal_reference,
                receipt_text,
                message,
                sale_id,
                resolved_by,
                utc_text(now),
                payment_id,
            ),
        )
        if cur.rowcount != 1:
            raise RuntimeError(f"Card payment {payment_id} is already settled; not changed.")

    def get(self, payment_id: str) -> CardPaymentRow | None:
        row = self._db.execute_sql(
            f"SELECT {_COLUMNS} FROM card_payment WHERE id = ?",
            (payment_id,),  # noqa: S608
        ).fetchone()
        return CardPaymentRow(*row) if row else None

    def open_payment_mentions(self, text: str) -> bool:
        """Whether a payment still pending or unknown has ``text`` in its cart snapshot."""
        row = self._db.execute_sql(
            "SELECT COUNT(*) FROM card_payment WHERE status IN ('pending', 'unknown') "
            "AND instr(cart_snapshot, ?) > 0",
            (text,),
        ).fetchone()
        return row[0] > 0

    def open_payments(self) -> list[CardPaymentRow]:
        rows = self._db.execute_sql(
            f"SELECT {_COLUMNS} FROM card_payment "  # noqa: S608
            "WHERE status IN ('pending', 'unknown') ORDER BY created_at"
        ).fetchall()
        return [CardPaymentRow(*r) for r in rows]
