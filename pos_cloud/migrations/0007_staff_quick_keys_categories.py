"""0007: till staff and quick keys fed down to the tills, product categories, import progress.

Frozen: do not edit, add a new migration instead. The live models are in pos_cloud/models.py
(``TillStaff``, ``QuickKey``, ``Product.category``) and pos_cloud/web/models.py
(``WebImportJob``).
"""

from __future__ import annotations

import peewee as pw


def apply(database: pw.Database) -> None:
    """Create ``till_staff``, ``quick_key`` and ``web_import_job``; add ``product.category``."""

    class Base(pw.Model):
        class Meta:
            database = None
            legacy_table_names = False

    Base._meta.set_database(database)

    class Store(Base):
        id = pw.CharField(36, primary_key=True)

        class Meta:
            table_name = "store"

    feed_indexes = ((("store", "change_seq"), True),)

    class TillStaff(Base):
        id = pw.CharField(36, primary_key=True)
        store = pw.ForeignKeyField(Store)
        name = pw.CharField(100)
        name_key = pw.CharField(100)  # lower-case: names are unique per store, ignoring case
        role = pw.CharField(16)
        pin_hash = pw.CharField(200)  # Argon2id; the PIN itself is never stored
        active = pw.BooleanField(default=True)
        change_seq = pw.BigIntegerField()
        deleted = pw.BooleanField(default=False)

        class Meta:
            table_name = "till_staff"
            indexes = ((("store", "name_key"), True), *feed_indexes)

    class QuickKey(Base):
        store = pw.ForeignKeyField(Store)
        page = pw.SmallIntegerField()
        position = pw.SmallIntegerField()
        label = pw.CharField(40)
        sku = pw.CharField(64, null=True)
        department = pw.CharField(100, null=True)
        price_minor = pw.BigIntegerField(null=True)
        colour = pw.CharField(16, null=True)
        change_seq = pw.BigIntegerField()
        deleted = pw.BooleanField(default=False)

        class Meta:
            table_name = "quick_key"
            indexes = ((("store", "page", "position"), True), *feed_indexes)

    class WebImportJob(Base):
        id = pw.CharField(36, primary_key=True)
        store_id = pw.CharField(36)
        user_id = pw.CharField(36)
        total_rows = pw.IntegerField(default=0)
        done_rows = pw.IntegerField(default=0)
        status = pw.CharField(16)  # checking | writing | done | failed
        message = pw.TextField(null=True)
        errors = pw.TextField(null=True)  # JSON list of {"line", "message"}
        created_at = pw.DateTimeField()
        finished_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "web_import_job"

    database.create_tables([TillStaff, QuickKey, WebImportJob])
    database.execute_sql('ALTER TABLE "product" ADD COLUMN "category" VARCHAR(100)')
