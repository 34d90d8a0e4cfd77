"""Stock counts taken at the till: the count, and per product what was expected and counted.

``expected`` is the on-hand figure as of the count's start (the till's view: the cloud's figure
less its own unsynced sales, plus what it sold of that product after the count started), so
sales during a count are not counted twice.
"""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 21

_STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS stock_count (
        id TEXT PRIMARY KEY, terminal_id TEXT NOT NULL, started_at TEXT NOT NULL,
        started_by TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('open', 'posted',
        'cancelled')), posted_at TEXT, posted_by TEXT, note TEXT)""",
    """CREATE TABLE IF NOT EXISTS stock_count_line (
        count_id TEXT NOT NULL REFERENCES stock_count (id), sku TEXT NOT NULL,
        name TEXT NOT NULL, expected TEXT, counted TEXT NOT NULL, position INTEGER NOT NULL,
        PRIMARY KEY (count_id, sku)) WITHOUT ROWID""",
)


def upgrade(db: SqliteDatabase) -> None:
    for statement in _STATEMENTS:
        db.execute_sql(statement)
