"""Which products the cloud found at or below their reorder point (the ``stock`` feed's
``low``), for the manager's low-stock list at the till."""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 35


def upgrade(db: SqliteDatabase) -> None:
    # Safe to run again (a database restored to an older version number keeps its columns).
    have = {row[1] for row in db.execute_sql("PRAGMA table_info(stock_level)").fetchall()}
    if "low" not in have:
        db.execute_sql("ALTER TABLE stock_level ADD COLUMN low INTEGER NOT NULL DEFAULT 0")
