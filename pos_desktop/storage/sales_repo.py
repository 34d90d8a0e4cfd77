"""Saving a sale: sale, lines, payments, journal record and outbox event in one transaction."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from peewee import SqliteDatabase

from pos_desktop.domain.sale import Sale

from . import journal, outbox
from .codec import utc_text

SALE_COMPLETED = "sale.completed"


def sale_payload(sale: Sale) -> dict[str, Any]:
    """The wire/journal form of a sale (see docs/CLOUD.md, event ``sale.completed``)."""
    return {
        "sale_id": sale.sale_id,
        "terminal_id": sale.terminal_id,
        "receipt_number": sale.receipt_number,
        "currency": sale.currency,
        "prices_include_tax": sale.prices_include_tax,
        "subtotal_minor": sale.subtotal_minor,
        "tax_minor": sale.tax_minor,
        "total_minor": sale.total_minor,
        "completed_at": utc_text(sale.completed_at),
        "cashier": sale.cashier,
        "shift_id": sale.shift_id,
        "lines": [
            {
                "line_id": ln.line_id,
                "product_id": ln.product_id,
                "sku": ln.sku,
                "gtin": ln.gtin,
                "name": ln.name,
                "quantity": str(ln.quantity),
                "unit_price_minor": ln.unit_price_minor,
                "line_total_minor": ln.amount_minor,
                "net_minor": ln.net_minor,
                "tax_minor": ln.tax_minor,
                "tax_code": ln.tax_code,
                "tax_percent": str(ln.tax_percent),
            }
            for ln in sale.lines
        ],
        "payments": [
            {
                "payment_id": p.payment_id,
                "tender": p.tender,
                "amount_minor": p.amount.amount_minor,
                "tendered_minor": p.tendered.amount_minor,
                "change_minor": p.change.amount_minor,
                "reference": p.reference,
            }
            for p in sale.payments
        ],
    }


@dataclass(frozen=True, slots=True)
class SaleSummary:
    sale_id: str
    receipt_number: int
    completed_at: str
    total_minor: int
    currency: str
    line_count: int
    tenders: str


class SalesRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def save_completed(
        self, sale: Sale, within: Callable[[SqliteDatabase, Sale], None] | None = None
    ) -> Sale:
        """Number and store the sale with its journal record and outbox event, atomically.

        ``within`` runs inside the same transaction (e.g. marking a card payment as used by
        this sale), so both happen or neither does.

        The receipt number comes from the terminal's counter inside the same transaction, so a
        rolled-back sale leaves no gap.
        """
        db = self._db
        with db.atomic("IMMEDIATE"):
            cur = db.execute_sql(
                "UPDATE receipt_counter SET last_number = last_number + 1 "
                "WHERE terminal_id = ? RETURNING last_number",
                (sale.terminal_id,),
            )
            row = cur.fetchone()
            if row is None:
                raise RuntimeError(
                    f"No receipt counter for terminal {sale.terminal_id}; run 'pos-admin init'."
                )
            sale = sale.numbered(row[0])
            stamp = utc_text(sale.completed_at)
            db.execute_sql(
                "INSERT INTO sale (id, terminal_id, receipt_number, currency, subtotal_minor, "
                "tax_minor, total_minor, prices_include_tax, status, cashier, completed_at, "
                "shift_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'completed', ?, ?, ?)",
                (
                    sale.sale_id,
                    sale.terminal_id,
                    sale.receipt_number,
                    sale.currency,
                    sale.subtotal_minor,
                    sale.tax_minor,
                    sale.total_minor,
                    int(sale.prices_include_tax),
                    sale.cashier,
                    stamp,
                    sale.shift_id,
                ),
            )
            conn = db.connection()
            conn.executemany(
                "INSERT INTO sale_line (id, sale_id, position, product_id, sku, gtin, name, "
                "quantity, unit_price_minor, amount_minor, net_minor, tax_minor, tax_code, "
                "tax_percent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        ln.line_id,
                        sale.sale_id,
                        pos,
                        ln.product_id,
                        ln.sku,
                        ln.gtin,
                        ln.name,
                        str(ln.quantity),
                        ln.unit_price_minor,
                        ln.amount_minor,
                        ln.net_minor,
                        ln.tax_minor,
                        ln.tax_code,
                        str(ln.tax_percent),
                    )
                    for pos, ln in enumerate(sale.lines, start=1)
                ],
            )
            conn.executemany(
                "INSERT INTO payment (id, sale_id, tender, currency, amount_minor, "
                "tendered_minor, change_minor, reference, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        p.payment_id,
                        sale.sale_id,
                        p.tender,
                        p.amount.currency,
                        p.amount.amount_minor,
                        p.tendered.amount_minor,
                        p.change.amount_minor,
                        p.reference,
                        stamp,
                    )
                    for p in sale.payments
                ],
            )
            payload = sale_payload(sale)
            journal.append(db, SALE_COMPLETED, sale.sale_id, payload, sale.completed_at)
            outbox.append_event(db, SALE_COMPLETED, payload, sale.completed_at)
            if within is not None:
                within(db, sale)
        return sale

    def recent(self, limit: int = 50) -> list[SaleSummary]:
        rows = self._db.execute_sql(
            "SELECT s.id, s.receipt_number, s.completed_at, s.total_minor, s.currency, "
            "(SELECT COUNT(*) FROM sale_line l WHERE l.sale_id = s.id), "
            "(SELECT group_concat(tender, '+') FROM payment p WHERE p.sale_id = s.id) "
            "FROM sale s ORDER BY s.completed_at DESC, s.receipt_number DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [SaleSummary(*row) for row in rows]

    def count(self) -> int:
        return self._db.execute_sql("SELECT COUNT(*) FROM sale").fetchone()[0]

    def receipt_numbers(self, terminal_id: str) -> list[int]:
        rows = self._db.execute_sql(
            "SELECT receipt_number FROM sale WHERE terminal_id = ? ORDER BY receipt_number",
            (terminal_id,),
        ).fetchall()
        return [r[0] for r in rows]

    def payload(self, sale_id: str) -> dict[str, Any] | None:
        """The stored journal body of a sale (what was printed and replicated)."""
        row = self._db.execute_sql(
            "SELECT body FROM journal WHERE object_id = ? AND type = ?", (sale_id, SALE_COMPLETED)
        ).fetchone()
        return json.loads(row[0]) if row else None
