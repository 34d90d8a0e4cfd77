"""Stock moved at the till other than by selling: waste written off, transfers sent to another
store and transfers received from one; plus what the cloud tells the till for transfers (the
other stores of the organisation, the transfers on their way to this store).
"""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 29

_STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS stock_move (
        id TEXT PRIMARY KEY, terminal_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('waste', 'transfer_out', 'transfer_in')),
        started_at TEXT NOT NULL, started_by TEXT NOT NULL, reason TEXT,
        other_store_id TEXT, transfer_id TEXT,
        status TEXT NOT NULL CHECK (status IN ('open', 'posted')), posted_at TEXT,
        approved_by TEXT)""",
    """CREATE TABLE IF NOT EXISTS stock_move_line (
        move_id TEXT NOT NULL REFERENCES stock_move (id), sku TEXT NOT NULL,
        name TEXT NOT NULL, quantity TEXT NOT NULL, position INTEGER NOT NULL,
        PRIMARY KEY (move_id, sku)) WITHOUT ROWID""",
    "CREATE UNIQUE INDEX IF NOT EXISTS stock_move_transfer_in ON stock_move (transfer_id) "
    "WHERE kind = 'transfer_in'",
    """CREATE TABLE IF NOT EXISTS known_store (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS incoming_transfer (
        id TEXT PRIMARY KEY, from_store TEXT NOT NULL, lines TEXT NOT NULL,
        sent_at TEXT, updated_at TEXT NOT NULL)""",
)


def upgrade(db: SqliteDatabase) -> None:
    for statement in _STATEMENTS:
        db.execute_sql(statement)
