"""0023: the store's time zone (an IANA name such as Europe/Berlin; empty: the till's own zone).

X/Z reports show their period and hourly sales in it. Idempotent like its neighbours: a column
that is already there is left alone.
"""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 23


def upgrade(db: SqliteDatabase) -> None:
    have = {row[1] for row in db.execute_sql("PRAGMA table_info(store_settings)").fetchall()}
    if "timezone" not in have:
        db.execute_sql("ALTER TABLE store_settings ADD COLUMN timezone TEXT NOT NULL DEFAULT ''")
