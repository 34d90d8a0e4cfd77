"""Purchase orders from the cloud (the open ones of this store, ``purchase_orders`` feed), and
the order a goods receipt was received against."""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 30

_STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS purchase_order (
        id TEXT PRIMARY KEY, number INTEGER NOT NULL, supplier TEXT NOT NULL,
        expected_date TEXT, lines TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    "ALTER TABLE goods_receipt ADD COLUMN purchase_order_id TEXT",
)


def upgrade(db: SqliteDatabase) -> None:
    for statement in _STATEMENTS:
        db.execute_sql(statement)
