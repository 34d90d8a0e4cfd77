"""0009: the stock ledger (every movement with its moment), count anchors, transfers.

- ``stock_movement`` gains ``occurred_at`` (when it happened at the till; the count rule
  compares it with a count's start), ``ref`` (the count, receipt, refund or transfer id) and
  ``detail`` (a waste reason, what a count found); index ``(store, sku, occurred_at)``;
- ``stock_level`` gains the last applied count of the product (``count_started_at``,
  ``count_event``): movements that happened before it are already in the counted figure;
- ``stock_transfer``: goods sent from one store to another, in transit until received.

Frozen once shipped: add a new migration instead of editing this one.
"""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate


def apply(database: pw.Database) -> None:
    """Add the columns, the index and the transfer table."""
    if isinstance(database, pw.PostgresqlDatabase):
        migrator = PostgresqlMigrator(database)
    else:
        migrator = SqliteMigrator(database)
    migrate(
        migrator.add_column("stock_movement", "occurred_at", pw.DateTimeField(null=True)),
        migrator.add_column("stock_movement", "ref", pw.CharField(64, null=True)),
        migrator.add_column("stock_movement", "detail", pw.CharField(64, null=True)),
        migrator.add_column("stock_level", "count_started_at", pw.DateTimeField(null=True)),
        migrator.add_column("stock_level", "count_event", pw.CharField(36, null=True)),
        migrator.add_index("stock_movement", ("store_id", "sku", "occurred_at"), False),
    )
    database.execute_sql("UPDATE stock_movement SET occurred_at = created_at")

    class StockTransfer(pw.Model):
        id = pw.CharField(36, primary_key=True)
        from_store_id = pw.CharField(36)
        to_store_id = pw.CharField(36)
        status = pw.CharField(16)  # in_transit | received
        lines = pw.TextField()  # JSON [{"sku", "quantity"}] as sent
        received_lines = pw.TextField(null=True)
        sent_event = pw.CharField(36)
        received_event = pw.CharField(36, null=True)
        sent_at = pw.DateTimeField()
        received_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "stock_transfer"
            indexes = ((("to_store_id", "status"), False), (("from_store_id", "status"), False))

    StockTransfer._meta.set_database(database)
    database.create_tables([StockTransfer])
