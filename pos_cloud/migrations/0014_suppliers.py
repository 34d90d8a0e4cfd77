"""0014: suppliers of a store, and which supplier a purchase order went to.

- ``supplier``: per store, a name (unique in the store), an e-mail address and the lead time
  in days from order to delivery; the restock calculation uses it for the products last
  ordered from that supplier (restock.py);
- ``purchase_order.supplier_id``: the supplier record the order was made for (null for orders
  made before, or for a name typed that is no supplier record).

Frozen once shipped: add a new migration instead of editing this one.
"""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate


def apply(database: pw.Database) -> None:
    """Add the supplier table and the order's supplier column."""

    class Supplier(pw.Model):
        id = pw.CharField(36, primary_key=True)
        store_id = pw.CharField(36)
        name = pw.CharField(200)
        email = pw.CharField(254, default="")
        lead_time_days = pw.IntegerField()
        created_at = pw.DateTimeField()

        class Meta:
            legacy_table_names = False
            table_name = "supplier"
            indexes = ((("store_id", "name"), True),)

    Supplier._meta.set_database(database)
    database.create_tables([Supplier])
    if isinstance(database, pw.PostgresqlDatabase):
        migrator = PostgresqlMigrator(database)
    else:
        migrator = SqliteMigrator(database)
    migrate(migrator.add_column("purchase_order", "supplier_id", pw.CharField(36, null=True)))
