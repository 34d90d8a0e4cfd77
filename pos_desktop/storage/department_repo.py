"""Departments and unknown barcodes (tables of migration 18)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import SqliteDatabase

from pos_desktop.domain.department import Department

from .codec import utc_text


@dataclass(frozen=True, slots=True)
class UnknownBarcode:
    code: str
    times_scanned: int
    first_seen: str
    last_seen: str
    sold_as: str | None  # the department it was last sold as, if any


class DepartmentRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def all(self) -> list[Department]:
        rows = self._db.execute_sql(
            "SELECT code, name, tax_code, min_price_minor, max_price_minor FROM department "
            "WHERE active = 1 ORDER BY position, name"
        ).fetchall()
        return [Department(*row) for row in rows]

    def get(self, code: str) -> Department | None:
        row = self._db.execute_sql(
            "SELECT code, name, tax_code, min_price_minor, max_price_minor FROM department "
            "WHERE code = ? AND active = 1",
            (code,),
        ).fetchone()
        return Department(*row) if row else None

    def save(self, department: Department, position: int | None = None) -> None:
        """Insert or update a department (re-activating a removed one)."""
        if position is None:
            position = self._db.execute_sql(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM department"
            ).fetchone()[0]
        self._db.execute_sql(
            "INSERT INTO department (code, name, tax_code, min_price_minor, max_price_minor, "
            "position, active) VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (code) DO UPDATE SET "
            "name = excluded.name, tax_code = excluded.tax_code, "
            "min_price_minor = excluded.min_price_minor, "
            "max_price_minor = excluded.max_price_minor, active = 1",
            (
                department.code,
                department.name,
                department.tax_code,
                department.min_price_minor,
                department.max_price_minor,
                position,
            ),
        )

    def tax_codes(self) -> set[str]:
        return {row[0] for row in self._db.execute_sql("SELECT code FROM tax_rate").fetchall()}

    def deactivate(self, code: str) -> bool:
        """Hide a department from the till; past sales keep its name on their lines."""
        cursor = self._db.execute_sql(
            "UPDATE department SET active = 0 WHERE code = ? AND active = 1", (code,)
        )
        return cursor.rowcount > 0

    def record_unknown(self, code: str, now: datetime) -> None:
        stamp = utc_text(now)
        self._db.execute_sql(
            "INSERT INTO unknown_barcode (code, times_scanned, first_seen, last_seen) "
            "VALUES (?, 1, ?, ?) ON CONFLICT (code) DO UPDATE SET "
            "times_scanned = times_scanned + 1, last_seen = excluded.last_seen",
            (code, stamp, stamp),
        )

    def mark_sold_as(self, code: str, department_code: str) -> None:
        self._db.execute_sql(
            "UPDATE unknown_barcode SET sold_as = ? WHERE code = ?", (department_code, code)
        )

    def unknown_barcodes(self) -> list[UnknownBarcode]:
        rows = self._db.execute_sql(
            "SELECT u.code, u.times_scanned, u.first_seen, u.last_seen, u.sold_as "
            "FROM unknown_barcode u WHERE NOT EXISTS (SELECT 1 FROM barcode b WHERE b.gtin = "
            "u.code) ORDER BY u.times_scanned DESC, u.last_seen DESC"
        ).fetchall()
        return [UnknownBarcode(*row) for row in rows]
