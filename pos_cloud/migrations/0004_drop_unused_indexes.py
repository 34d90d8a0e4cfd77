"""0004: drop secondary indexes no query reads, which every ingested sale paid for.

- ``event (store_id, received_at)`` and ``sale (terminal_id)``: no query filters or sorts on
  them (reports read sales by ``(store_id, business_day)``, events are found by id or by
  ``(terminal_id, seq)``), and no delete needs them: stores and terminals are never deleted;
- ``stock_movement (event_id)``, PostgreSQL only: its foreign key went in 0003, and no query
  reads movements by event. SQLite keeps it: there the key remains, and deleting an event
  (a rejected batch undoing its rows) must find referencing movements without a table scan.

``stock_movement (sale_id)`` stays: its foreign key does the same for deleted sales.
Measured per 50-sale batch on PostgreSQL: about 10% less time in the INSERTs.
Frozen once shipped: add a new migration instead of editing this one.
"""

from __future__ import annotations

import peewee as pw

UNUSED = ("event_store_id_received_at", "sale_terminal_id")
UNUSED_ON_POSTGRES = ("stock_movement_event_id",)


def apply(database: pw.Database) -> None:
    """Drop each unused index (if present)."""
    names = UNUSED + (UNUSED_ON_POSTGRES if isinstance(database, pw.PostgresqlDatabase) else ())
    for name in names:
        database.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
