"""The ``goods_receipt`` and ``goods_receipt_line`` tables: deliveries received at the till.

The service (``services.goods_receipts``) owns the transactions; these methods run inside them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from peewee import SqliteDatabase

from .codec import utc_text


class GoodsReceiptRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self.db = db

    def create(
        self,
        receipt_id: str,
        terminal_id: str,
        started_at: datetime,
        by: str,
        supplier: str | None,
        delivery_note: str | None,
        purchase_order_id: str | None = None,
    ) -> None:
        self.db.execute_sql(
            "INSERT INTO goods_receipt (id, terminal_id, started_at, received_by, supplier, "
            "delivery_note, status, purchase_order_id) VALUES (?, ?, ?, ?, ?, ?, 'open', ?)",
            (receipt_id, terminal_id, utc_text(started_at), by, supplier, delivery_note,
             purchase_order_id),
        )  # fmt: skip

    def lines(self, receipt_id: str) -> list[tuple[str, str, Decimal, int | None]]:
        """(sku, name, quantity, unit cost) in the order first received."""
        rows = self.db.execute_sql(
            "SELECT sku, name, quantity, unit_cost_minor FROM goods_receipt_line "
            "WHERE receipt_id = ? ORDER BY position",
            (receipt_id,),
        ).fetchall()
        return [(s, n, Decimal(q), c) for s, n, q, c in rows]

    def line(self, receipt_id: str, sku: str) -> tuple[str, int | None] | None:
        """(name, unit cost) of the receipt's line for ``sku``; None when there is none."""
        return self.db.execute_sql(
            "SELECT name, unit_cost_minor FROM goods_receipt_line WHERE receipt_id = ? AND sku = ?",
            (receipt_id, sku),
        ).fetchone()

    def add_line(
        self, receipt_id: str, sku: str, name: str, quantity: Decimal, cost: int | None
    ) -> None:
        """A product received for the first time on this receipt, after the lines there."""
        position = self.db.execute_sql(
            "SELECT COUNT(*) FROM goods_receipt_line WHERE receipt_id = ?", (receipt_id,)
        ).fetchone()[0]
        self.db.execute_sql(
            "INSERT INTO goods_receipt_line (receipt_id, sku, name, quantity, "
            "unit_cost_minor, position) VALUES (?, ?, ?, ?, ?, ?)",
            (receipt_id, sku, name, str(quantity), cost, position),
        )

    def update_line(self, receipt_id: str, sku: str, quantity: Decimal, cost: int | None) -> None:
        self.db.execute_sql(
            "UPDATE goods_receipt_line SET quantity = ?, unit_cost_minor = ? "
            "WHERE receipt_id = ? AND sku = ?",
            (str(quantity), cost, receipt_id, sku),
        )

    def status(self, receipt_id: str) -> str | None:
        row = self.db.execute_sql(
            "SELECT status FROM goods_receipt WHERE id = ?", (receipt_id,)
        ).fetchone()
        return row[0] if row else None

    def head(self, receipt_id: str) -> tuple[str, str, str | None, str | None, str | None]:
        """(started_at as stored, received by, supplier, delivery note, purchase order id)."""
        return self.db.execute_sql(
            "SELECT started_at, received_by, supplier, delivery_note, purchase_order_id "
            "FROM goods_receipt WHERE id = ?",
            (receipt_id,),
        ).fetchone()

    def mark_posted(self, receipt_id: str, now: datetime) -> None:
        self.db.execute_sql(
            "UPDATE goods_receipt SET status = 'posted', posted_at = ? WHERE id = ?",
            (utc_text(now), receipt_id),
        )
