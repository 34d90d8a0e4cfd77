"""SQL aggregates for X/Z reports, and the immutable Z report rows.

Figures are read with ``SUM``/``GROUP BY`` over the covering indexes of migration 0004, never by
loading sales into Python. Refunds, voids, discounts and promotions are read only when the
tables/columns that hold them exist (later issues add them); until then they are 0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peewee import SqliteDatabase

from pos_desktop.domain.ids import new_id

from .codec import canonical_json, sha256_hex, utc_text
from .journal import ChainHead


@dataclass(frozen=True, slots=True)
class StoredZ:
    z_id: str
    terminal_id: str
    number: int
    shift_id: str
    body: dict[str, Any]
    body_hash: str
    grand_total_minor: int
    journal_head: ChainHead
    created_at: str

    @property
    def body_intact(self) -> bool:
        return sha256_hex(canonical_json(self.body)) == self.body_hash


def table_exists(db: SqliteDatabase, name: str) -> bool:
    return (
        db.execute_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        is not None
    )


def columns(db: SqliteDatabase, table: str) -> set[str]:
    if not table_exists(db, table):
        return set()
    return {row[1] for row in db.execute_sql(f"PRAGMA table_info({table})").fetchall()}


class ReportRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def _all(self, sql: str, params: tuple) -> list[tuple]:
        return self._db.execute_sql(sql, params).fetchall()

    # Sales, tax and tender figures come from the running totals that triggers keep inside
    # each sale's transaction (migration 0010); tests cross-check them against the raw rows.

    def sales_by_cashier_hour(self, shift_id: str) -> list[tuple]:
        """(cashier, hour 'YYYY-MM-DDTHH' UTC, count, total, tax, min receipt, max receipt)."""
        return self._all(
            "SELECT NULLIF(cashier, ''), hour, sales, total_minor, tax_minor, min_receipt, "
            "max_receipt FROM shift_sale_totals WHERE shift_id = ?",
            (shift_id,),
        )

    def tax_rows(self, shift_id: str) -> list[tuple]:
        """(tax code, percent, net, tax, gross) of completed sales."""
        return self._all(
            "SELECT tax_code, tax_percent, net_minor, tax_minor, gross_minor "
            "FROM shift_tax_totals WHERE shift_id = ? ORDER BY tax_code, tax_percent",
            (shift_id,),
        )

    def tender_rows(self, shift_id: str) -> list[tuple]:
        """(tender, count, amount) of completed sales' payments."""
        return self._all(
            "SELECT tender, payments, amount_minor FROM shift_tender_totals "
            "WHERE shift_id = ? ORDER BY tender",
            (shift_id,),
        )

    def movement_rows(self, shift_id: str) -> dict[str, tuple[int, int]]:
        rows = self._all(
            "SELECT kind, COUNT(*), SUM(amount_minor) FROM cash_movement WHERE shift_id = ? "
            "GROUP BY kind",
            (shift_id,),
        )
        return {kind: (n, total) for kind, n, total in rows}

    def cash_ledger_rows(self, shift_id: str) -> list[tuple[str | None, str, int, int]]:
        """(user, kind, rows, signed sum) of the shift's cash ledger (migration 0013).

        Every cash movement in or out of the drawer is one ledger row, so the sum of all of them
        is the cash the drawer should hold.
        """
        return self._all(
            "SELECT user_name, kind, COUNT(*), SUM(amount_minor) FROM cash_ledger "
            "WHERE shift_id = ? GROUP BY user_name, kind",
            (shift_id,),
        )

    def voids(self, shift_id: str) -> tuple[int, int]:
        """Sales voided/cancelled after completion (status column), count and amount."""
        row = self._db.execute_sql(
            "SELECT COUNT(*), COALESCE(SUM(total_minor), 0) FROM sale WHERE shift_id = ? "
            "AND status IN ('voided', 'cancelled')",
            (shift_id,),
        ).fetchone()
        return row[0], row[1]

    def refunds(self, shift_id: str) -> tuple[int, int]:
        """From a ``refund`` table with ``shift_id`` and ``total_minor`` columns, if present."""
        if not {"shift_id", "total_minor"} <= columns(self._db, "refund"):
            return 0, 0
        row = self._db.execute_sql(
            "SELECT COUNT(*), COALESCE(SUM(total_minor), 0) FROM refund WHERE shift_id = ?",
            (shift_id,),
        ).fetchone()
        return row[0], row[1]

    def line_adjustment(self, shift_id: str, column: str) -> int:
        """Sum of ``discount_minor`` or ``promotion_minor`` over the shift's sale lines."""
        if column not in ("discount_minor", "promotion_minor"):
            raise ValueError(f"no running total for {column}")
        row = self._db.execute_sql(
            f"SELECT COALESCE(SUM({column}), 0) FROM shift_tax_totals WHERE shift_id = ?",
            (shift_id,),
        ).fetchone()
        return row[0]

    def count_status(self, table: str, statuses: tuple[str, ...]) -> list[tuple]:
        """Rows of an optional table whose ``status`` is one of ``statuses`` (id, status)."""
        if "status" not in columns(self._db, table):
            return []
        marks = ", ".join("?" for _ in statuses)
        key = "id" if "id" in columns(self._db, table) else "rowid"
        return self._all(
            f"SELECT {key}, status FROM {table} WHERE status IN ({marks})",  # noqa: S608
            statuses,
        )

    # -- Z reports -------------------------------------------------------------------------

    def next_z_number(self, terminal_id: str) -> int:
        return self._db.execute_sql(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM z_report WHERE terminal_id = ?",
            (terminal_id,),
        ).fetchone()[0]

    def previous_grand_total(self, terminal_id: str) -> int:
        row = self._db.execute_sql(
            "SELECT grand_total_minor FROM z_report WHERE terminal_id = ? "
            "ORDER BY number DESC LIMIT 1",
            (terminal_id,),
        ).fetchone()
        return row[0] if row else 0

    def insert_z(
        self,
        terminal_id: str,
        number: int,
        shift_id: str,
        body: dict[str, Any],
        grand_total_minor: int,
        head: ChainHead,
        now: datetime,
    ) -> str:
        """Store a Z report; call inside the shift-close transaction."""
        z_id, text = new_id(), canonical_json(body)
        self._db.execute_sql(
            "INSERT INTO z_report (id, terminal_id, number, shift_id, body, body_hash, "
            "grand_total_minor, journal_seq, journal_hash, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                z_id,
                terminal_id,
                number,
                shift_id,
                text,
                sha256_hex(text),
                grand_total_minor,
                head.seq,
                head.hash,
                utc_text(now),
            ),
        )
        return z_id

    def z_reports(self, where: str = "", params: tuple = ()) -> list[StoredZ]:
        rows = self._all(
            "SELECT id, terminal_id, number, shift_id, body, body_hash, grand_total_minor, "
            f"journal_seq, journal_hash, created_at FROM z_report {where} "  # noqa: S608
            "ORDER BY created_at, number",
            params,
        )
        return [
            StoredZ(
                r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], ChainHead(r[7], r[8]), r[9]
            )
            for r in rows
        ]

    def z_for_shift(self, shift_id: str) -> StoredZ | None:
        found = self.z_reports("WHERE shift_id = ?", (shift_id,))
        return found[0] if found else None
