"""Departments (open-price sales) and the barcodes scanned that no product has.

``unknown_barcode`` keeps one row per code with how often and when it was scanned, so a manager
can create the missing products from the list.
"""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 18

_STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS department (
        code TEXT PRIMARY KEY, name TEXT NOT NULL,
        tax_code TEXT NOT NULL REFERENCES tax_rate (code),
        min_price_minor INTEGER CHECK (min_price_minor >= 0),
        max_price_minor INTEGER CHECK (max_price_minor > 0),
        position INTEGER NOT NULL DEFAULT 0, active INTEGER NOT NULL DEFAULT 1)""",
    """CREATE TABLE IF NOT EXISTS unknown_barcode (
        code TEXT PRIMARY KEY, times_scanned INTEGER NOT NULL,
        first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
        sold_as TEXT) WITHOUT ROWID""",
)


def upgrade(db: SqliteDatabase) -> None:
    for statement in _STATEMENTS:
        db.execute_sql(statement)
