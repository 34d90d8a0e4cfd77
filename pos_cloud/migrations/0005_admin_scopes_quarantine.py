"""0005: scoped admin tokens, the event quarantine, and a gap index for late events.

- ``admin_token`` gains ``store_id`` (NULL: every store) and ``read_only``, and
  ``created_by``/``revoked_at`` for the listing;
- ``event_quarantine`` keeps every event a batch rejected (with the reason), so a poisoned
  event is parked where an admin can see it while the events behind it go on;
- ``seq_gap (terminal_id, last_seq)``: a late event finds the one gap that can hold it with
  one index probe (``last_seq >= seq ORDER BY last_seq LIMIT 1``) instead of reading every
  gap of the terminal.

Frozen once shipped: add a new migration instead of editing this one.
"""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate


def apply(database: pw.Database) -> None:
    """Add the columns, the table and the index."""
    if isinstance(database, pw.PostgresqlDatabase):
        migrator = PostgresqlMigrator(database)
    else:
        migrator = SqliteMigrator(database)
    migrate(
        migrator.add_column("admin_token", "store_id", pw.CharField(36, null=True)),
        migrator.add_column("admin_token", "read_only", pw.BooleanField(default=False)),
        migrator.add_column("admin_token", "revoked_at", pw.DateTimeField(null=True)),
        migrator.add_index("seq_gap", ("terminal_id", "last_seq"), False),
    )

    class EventQuarantine(pw.Model):
        terminal_id = pw.CharField(36)
        store_id = pw.CharField(36)
        event_id = pw.CharField(64, null=True)  # as sent, cut to 64 characters
        seq = pw.BigIntegerField(null=True)
        reason = pw.CharField(1000)
        body = pw.TextField()  # ASCII JSON of the event as sent (\\u escapes)
        body_hash = pw.CharField(64)
        received_at = pw.DateTimeField()

        class Meta:
            table_name = "event_quarantine"
            indexes = ((("terminal_id", "body_hash"), True), (("store_id", "id"), False))

    EventQuarantine._meta.set_database(database)
    database.create_tables([EventQuarantine])
