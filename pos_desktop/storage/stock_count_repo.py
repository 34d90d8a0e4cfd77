"""The ``stock_count`` and ``stock_count_line`` tables: stock counts taken at the till.

Quantities are kept as decimal text (weights count in kilograms). The service
(``services.stock_counts``) owns the transactions; these methods run inside them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from peewee import SqliteDatabase

from .codec import utc_text


class StockCountRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self.db = db

    def open_count_id(self, terminal_id: str) -> str | None:
        row = self.db.execute_sql(
            "SELECT id FROM stock_count WHERE status = 'open' AND terminal_id = ?",
            (terminal_id,),
        ).fetchone()
        return row[0] if row else None

    def create(self, count_id: str, terminal_id: str, started_at: datetime, by: str) -> None:
        self.db.execute_sql(
            "INSERT INTO stock_count (id, terminal_id, started_at, started_by, status) "
            "VALUES (?, ?, ?, ?, 'open')",
            (count_id, terminal_id, utc_text(started_at), by),
        )

    def status(self, count_id: str) -> tuple[str, str] | None:
        """(status, started_at as stored) of a count; None for an unknown count."""
        return self.db.execute_sql(
            "SELECT status, started_at FROM stock_count WHERE id = ?", (count_id,)
        ).fetchone()

    def lines(self, count_id: str) -> list[tuple[str, str, Decimal | None, Decimal]]:
        """(sku, name, expected, counted) in the order first counted."""
        rows = self.db.execute_sql(
            "SELECT sku, name, expected, counted FROM stock_count_line WHERE count_id = ? "
            "ORDER BY position",
            (count_id,),
        ).fetchall()
        return [
            (sku, name, None if exp is None else Decimal(exp), Decimal(cnt))
            for sku, name, exp, cnt in rows
        ]

    def line(self, count_id: str, sku: str) -> tuple[str, Decimal | None] | None:
        """(name, expected) of the count's line for ``sku``; None when not counted yet."""
        row = self.db.execute_sql(
            "SELECT name, expected FROM stock_count_line WHERE count_id = ? AND sku = ?",
            (count_id, sku),
        ).fetchone()
        if row is None:
            return None
        return row[0], None if row[1] is None else Decimal(row[1])

    def add_line(
        self, count_id: str, sku: str, name: str, expected: Decimal | None, counted: Decimal
    ) -> None:
        """A product counted for the first time, after the lines already there."""
        position = self.db.execute_sql(
            "SELECT COUNT(*) FROM stock_count_line WHERE count_id = ?", (count_id,)
        ).fetchone()[0]
        self.db.execute_sql(
            "INSERT INTO stock_count_line (count_id, sku, name, expected, counted, "
            "position) VALUES (?, ?, ?, ?, ?, ?)",
            (count_id, sku, name, None if expected is None else str(expected), str(counted),
             position),
        )  # fmt: skip

    def set_counted(self, count_id: str, sku: str, counted: Decimal) -> None:
        self.db.execute_sql(
            "UPDATE stock_count_line SET counted = ? WHERE count_id = ? AND sku = ?",
            (str(counted), count_id, sku),
        )

    def mark_posted(self, count_id: str, by: str, now: datetime) -> str | None:
        """Close an open count; its ``started_at`` as stored, or None when it was not open."""
        changed = self.db.execute_sql(
            "UPDATE stock_count SET status = 'posted', posted_at = ?, posted_by = ? "
            "WHERE id = ? AND status = 'open'",
            (utc_text(now), by, count_id),
        ).rowcount
        if not changed:
            return None
        return self.db.execute_sql(
            "SELECT started_at FROM stock_count WHERE id = ?", (count_id,)
        ).fetchone()[0]
