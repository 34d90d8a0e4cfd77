"""0003 (PostgreSQL only): drop foreign keys that another key of the same row already implies.

Every ingested sale fired nine foreign-key checks; five of them pointed at rows the server
itself chose from the authenticated terminal, and three of those at the store row, the one
row every batch of a store also UPDATEs (its change counter). On PostgreSQL each check takes
a ``FOR KEY SHARE`` lock on the parent, so concurrent batches of one store kept building
multixacts on that row. Dropped (each implied by a key that stays):

- ``event.store_id``: the event's terminal (kept FK) belongs to exactly one store;
- ``sale.store_id``, ``sale.terminal_id``: the sale's event (kept FK) carries both;
- ``stock_movement.store_id``, ``stock_movement.event_id``: its sale (kept FK) carries both.

Stores and terminals are never deleted (a terminal is revoked), so a dropped key never had a
delete to guard; the server copies these columns from the terminal row it authenticated.
SQLite keeps its keys (dropping one there means rebuilding the table; it is the
single-process deployment). Frozen once shipped: add a new migration instead of editing this one.
"""

from __future__ import annotations

import peewee as pw

# (table, column) whose foreign key is implied by another key of the row
IMPLIED = (
    ("event", "store_id"),
    ("sale", "store_id"),
    ("sale", "terminal_id"),
    ("stock_movement", "store_id"),
    ("stock_movement", "event_id"),
)


def apply(database: pw.Database) -> None:
    """Drop each implied foreign key on PostgreSQL (whatever name it was created with)."""
    if not isinstance(database, pw.PostgresqlDatabase):
        return
    for table, column in IMPLIED:
        cursor = database.execute_sql(
            "SELECT c.conname FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
            "WHERE c.contype = 'f' AND c.conrelid = to_regclass(%s) AND a.attname = %s",
            (f'"{table}"', column),
        )
        for (name,) in cursor.fetchall():
            database.execute_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
