"""Purchase orders from the cloud (the open ones of this store, ``purchase_orders`` feed), and
the order a goods receipt was received against."""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 30

_STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS purchase_order (
        id TEXT PRIMARY KEY, number INTEGER NOT NULL, supplier TEXT NOT NULL,
        expected_date TEXT, lines TEXT NOT NULL, updated_at TEXT NOT NULL)""",
)


def upgrade(db: SqliteDatabase) -> None:
    for statement in _STATEMENTS:
        db.execute_sql(statement)
    # Safe to run again (a database restored to an older version number keeps its columns).
    have = {row[1] for row in db.execute_sql("PRAGMA table_info(goods_receipt)").fetchall()}
    if "purchase_order_id" not in have:
        db.execute_sql("ALTER TABLE goods_receipt ADD COLUMN purchase_order_id TEXT")
