"""The ``stock_move`` and ``stock_move_line`` tables: waste written off and transfers at the till.

The service (``services.stock_moves``) owns the transactions; these methods run inside them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from peewee import SqliteDatabase

from .codec import utc_text


class StockMoveRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self.db = db

    def create(
        self,
        move_id: str,
        terminal_id: str,
        kind: str,
        started_at: datetime,
        by: str,
        reason: str | None,
        other_store_id: str | None,
        transfer_id: str | None,
    ) -> None:
        self.db.execute_sql(
            "INSERT INTO stock_move (id, terminal_id, kind, started_at, started_by, reason, "
            "other_store_id, transfer_id, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open')",
            (move_id, terminal_id, kind, utc_text(started_at), by, reason, other_store_id,
             transfer_id),
        )  # fmt: skip

    def received_transfer_ids(self) -> set[str]:
        """Transfers this till has posted as received."""
        rows = self.db.execute_sql(
            "SELECT transfer_id FROM stock_move WHERE kind = 'transfer_in' AND status = 'posted'"
        ).fetchall()
        return {row[0] for row in rows}

    def receiving(self, transfer_id: str) -> str | None:
        """The id of this till's document receiving ``transfer_id``; None when there is none."""
        row = self.db.execute_sql(
            "SELECT id FROM stock_move WHERE transfer_id = ? AND kind = 'transfer_in'",
            (transfer_id,),
        ).fetchone()
        return row[0] if row else None

    def lines(self, move_id: str) -> list[tuple[str, str, Decimal]]:
        """(sku, name, quantity) in the order first scanned."""
        rows = self.db.execute_sql(
            "SELECT sku, name, quantity FROM stock_move_line WHERE move_id = ? ORDER BY position",
            (move_id,),
        ).fetchall()
        return [(s, n, Decimal(q)) for s, n, q in rows]

    def line_name(self, move_id: str, sku: str) -> str | None:
        """The name on the document's line for ``sku``; None when there is no such line."""
        row = self.db.execute_sql(
            "SELECT name FROM stock_move_line WHERE move_id = ? AND sku = ?", (move_id, sku)
        ).fetchone()
        return row[0] if row else None

    def add_line(self, move_id: str, sku: str, name: str, quantity: Decimal) -> None:
        """A product moved for the first time on this document, after the lines there."""
        position = self.db.execute_sql(
            "SELECT COUNT(*) FROM stock_move_line WHERE move_id = ?", (move_id,)
        ).fetchone()[0]
        self.db.execute_sql(
            "INSERT INTO stock_move_line (move_id, sku, name, quantity, position) "
            "VALUES (?, ?, ?, ?, ?)",
            (move_id, sku, name, str(quantity), position),
        )

    def update_line(self, move_id: str, sku: str, quantity: Decimal) -> None:
        self.db.execute_sql(
            "UPDATE stock_move_line SET quantity = ? WHERE move_id = ? AND sku = ?",
            (str(quantity), move_id, sku),
        )

    def head(self, move_id: str) -> tuple | None:
        """(kind, status, started_at, started_by, reason, other_store_id, transfer_id)."""
        return self.db.execute_sql(
            "SELECT kind, status, started_at, started_by, reason, other_store_id, transfer_id "
            "FROM stock_move WHERE id = ?",
            (move_id,),
        ).fetchone()

    def mark_posted(self, move_id: str, now: datetime, approved_by: str | None) -> None:
        self.db.execute_sql(
            "UPDATE stock_move SET status = 'posted', posted_at = ?, approved_by = ? WHERE id = ?",
            (utc_text(now), approved_by, move_id),
        )
