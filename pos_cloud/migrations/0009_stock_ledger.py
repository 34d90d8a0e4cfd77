"""0009: the stock ledger (every movement with its moment), count anchors, transfers.

- ``stock_movement`` gains ``occurred_at`` (when it happened at the till; the count rule
  compares it with a count's start), ``ref`` (the count, receipt, refund or transfer id) and
  ``detail`` (a waste reason, what a count found); index ``(store, sku, occurred_at)``;
- ``stock_level`` gains the last applied count of the product (``count_started_at``,
  ``count_event``): movements that happened before it are already in the counted figure;
  and ``low_since``: when the restock check found it at or below its reorder point;
- ``stock_transfer``: goods sent from one store to another, in transit until received; fed
  to the receiving store's tills (``transfers`` stream: ``change_seq`` of that store);
- ``store_directory``: per store, the other stores of its organisation (``stores`` stream),
  filled here for the stores that exist;
- ``purchase_order`` with its lines (JSON): ordered from a supplier, received at the till
  against the order (the ``purchase_orders`` stream feeds the open ones to the store's tills).

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
        migrator.add_column("stock_level", "low_since", pw.DateTimeField(null=True)),
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
        from_store_name = pw.CharField(200, default="")
        change_seq = pw.BigIntegerField(null=True)  # of the receiving store
        deleted = pw.BooleanField(default=False)  # received: off the receiving tills' list

        class Meta:
            legacy_table_names = False
            table_name = "stock_transfer"
            indexes = (
                (("to_store_id", "change_seq"), True),
                (("from_store_id", "status"), False),
            )

    class StoreDirectory(pw.Model):
        store_id = pw.CharField(36)
        other_store_id = pw.CharField(36)
        name = pw.CharField(200)
        change_seq = pw.BigIntegerField()
        deleted = pw.BooleanField(default=False)

        class Meta:
            legacy_table_names = False
            table_name = "store_directory"
            indexes = ((("store_id", "other_store_id"), True), (("store_id", "change_seq"), True))

    class PurchaseOrder(pw.Model):
        id = pw.CharField(36, primary_key=True)
        store_id = pw.CharField(36)
        number = pw.IntegerField()  # per store, for people: PO 12
        supplier = pw.CharField(200)
        expected_date = pw.DateField(null=True)
        status = pw.CharField(16)  # open | received | closed
        lines = pw.TextField()  # JSON [{sku, ordered, received, unit_cost_minor}], decimal text
        created_at = pw.DateTimeField()
        closed_at = pw.DateTimeField(null=True)
        change_seq = pw.BigIntegerField()
        deleted = pw.BooleanField(default=False)  # no longer open: off the tills' list

        class Meta:
            legacy_table_names = False
            table_name = "purchase_order"
            indexes = (
                (("store_id", "change_seq"), True),
                (("store_id", "number"), True),
                (("store_id", "status"), False),
            )

    models = (StockTransfer, StoreDirectory, PurchaseOrder)
    for model in models:
        model._meta.set_database(database)
    database.create_tables(models)
    stores = database.execute_sql(
        'SELECT "id", "organisation_id", "name" FROM "store" ORDER BY "id"'
    ).fetchall()
    for store_id, organisation, _ in stores:
        others = [
            (sid, name) for sid, org, name in stores if org == organisation and sid != store_id
        ]
        for other_id, name in others:
            seq = database.execute_sql(
                'UPDATE "store" SET "change_seq" = "change_seq" + 1 WHERE "id" = '
                f'{database.param} RETURNING "change_seq"',
                (store_id,),
            ).fetchall()[0][0]
            StoreDirectory.insert(
                store_id=store_id, other_store_id=other_id, name=name, change_seq=seq
            ).execute()
