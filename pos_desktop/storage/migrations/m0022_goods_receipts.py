"""Goods received at the till (free-form deliveries): per product the quantity and unit cost.

A delivery can be received in parts: each receipt is its own row set; the supplier's delivery
note number ties the parts together.
"""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 22

_STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS goods_receipt (
        id TEXT PRIMARY KEY, terminal_id TEXT NOT NULL, started_at TEXT NOT NULL,
        received_by TEXT NOT NULL, supplier TEXT, delivery_note TEXT,
        status TEXT NOT NULL CHECK (status IN ('open', 'posted')), posted_at TEXT)""",
    """CREATE TABLE IF NOT EXISTS goods_receipt_line (
        receipt_id TEXT NOT NULL REFERENCES goods_receipt (id), sku TEXT NOT NULL,
        name TEXT NOT NULL, quantity TEXT NOT NULL, unit_cost_minor INTEGER
        CHECK (unit_cost_minor >= 0), position INTEGER NOT NULL,
        PRIMARY KEY (receipt_id, sku)) WITHOUT ROWID""",
)


def upgrade(db: SqliteDatabase) -> None:
    for statement in _STATEMENTS:
        db.execute_sql(statement)
