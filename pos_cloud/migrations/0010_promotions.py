"""0010: promotions made in the back office and fed down to the store's tills.

Frozen: do not edit, add a new migration instead. The live model is ``Promotion`` in
pos_cloud/models.py.
"""

from __future__ import annotations

import peewee as pw


def apply(database: pw.Database) -> None:
    """Create ``promotion`` (one row per promotion of a store, with the feed's seq)."""

    class Base(pw.Model):
        class Meta:
            database = None
            legacy_table_names = False

    Base._meta.set_database(database)

    class Store(Base):
        id = pw.CharField(36, primary_key=True)

        class Meta:
            table_name = "store"

    class Promotion(Base):
        id = pw.CharField(36, primary_key=True)
        store = pw.ForeignKeyField(Store)
        name = pw.CharField(100)
        kind = pw.CharField(32)
        params = pw.TextField()  # JSON, whole numbers and decimal strings only
        product_ids = pw.TextField()  # JSON list
        category = pw.CharField(100, null=True)
        starts_at = pw.DateTimeField(null=True)  # naive UTC, inclusive
        ends_at = pw.DateTimeField(null=True)  # naive UTC, exclusive
        active = pw.BooleanField(default=True)
        updated_at = pw.DateTimeField()
        change_seq = pw.BigIntegerField()
        deleted = pw.BooleanField(default=False)

        class Meta:
            table_name = "promotion"
            indexes = ((("store", "change_seq"), True),)

    database.create_tables([Promotion])
