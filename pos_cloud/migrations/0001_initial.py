"""0001: the initial cloud schema. Frozen: do not edit, add a new migration instead."""

from __future__ import annotations

import peewee as pw


def apply(database: pw.Database) -> None:
    """Create every table of version 1."""

    class Base(pw.Model):
        class Meta:
            database = None  # replaced below
            legacy_table_names = False  # snake_case: admin_token, seq_gap, ...

    Base._meta.set_database(database)

    class Organisation(Base):
        id = pw.CharField(36, primary_key=True)
        name = pw.CharField(200)
        created_at = pw.DateTimeField()

    class Store(Base):
        id = pw.CharField(36, primary_key=True)
        organisation = pw.ForeignKeyField(Organisation, backref="stores")
        name = pw.CharField(200)
        currency = pw.CharField(3)
        timezone = pw.CharField(64, default="UTC")
        change_seq = pw.BigIntegerField(default=0)
        created_at = pw.DateTimeField()

    class AdminToken(Base):
        token_hash = pw.CharField(64, unique=True)
        label = pw.CharField(200, default="")
        revoked = pw.BooleanField(default=False)
        created_at = pw.DateTimeField()

    class Terminal(Base):
        id = pw.CharField(36, primary_key=True)
        store = pw.ForeignKeyField(Store, backref="terminals")
        name = pw.CharField(200)
        token_hash = pw.CharField(64, unique=True)
        revoked = pw.BooleanField(default=False)
        last_seq = pw.BigIntegerField(default=0)
        journal_head = pw.CharField(128, null=True)
        created_at = pw.DateTimeField()
        last_seen_at = pw.DateTimeField(null=True)

    class EnrollmentCode(Base):
        store = pw.ForeignKeyField(Store)
        code_hash = pw.CharField(64, unique=True)
        expires_at = pw.DateTimeField()
        used_at = pw.DateTimeField(null=True)
        terminal_id = pw.CharField(36, null=True)
        created_at = pw.DateTimeField()

    class SeqGap(Base):
        terminal = pw.ForeignKeyField(Terminal, backref="gaps")
        first_seq = pw.BigIntegerField()
        last_seq = pw.BigIntegerField()

    feed_indexes = ((("store", "change_seq"), True),)

    class TaxRate(Base):
        store = pw.ForeignKeyField(Store)
        code = pw.CharField(32)
        name = pw.CharField(200)
        rate_bp = pw.IntegerField()
        change_seq = pw.BigIntegerField()
        deleted = pw.BooleanField(default=False)

        class Meta:
            indexes = ((("store", "code"), True), *feed_indexes)

    class Product(Base):
        id = pw.CharField(36, primary_key=True)
        store = pw.ForeignKeyField(Store)
        sku = pw.CharField(64)
        name = pw.CharField(200)
        price_minor = pw.BigIntegerField()
        tax_code = pw.CharField(32)
        active = pw.BooleanField(default=True)
        change_seq = pw.BigIntegerField()
        deleted = pw.BooleanField(default=False)

        class Meta:
            indexes = ((("store", "sku"), True), *feed_indexes)

    class Barcode(Base):
        store = pw.ForeignKeyField(Store)
        gtin = pw.CharField(14)
        product = pw.ForeignKeyField(Product, null=True)
        change_seq = pw.BigIntegerField()
        deleted = pw.BooleanField(default=False)

        class Meta:
            indexes = ((("store", "gtin"), True), *feed_indexes)

    class Customer(Base):
        id = pw.CharField(36, primary_key=True)
        store = pw.ForeignKeyField(Store)
        name = pw.CharField(200)
        email = pw.CharField(200, null=True)
        phone = pw.CharField(64, null=True)
        change_seq = pw.BigIntegerField()
        deleted = pw.BooleanField(default=False)

        class Meta:
            indexes = feed_indexes

    class StockLevel(Base):
        store = pw.ForeignKeyField(Store)
        sku = pw.CharField(64)
        quantity = pw.CharField(40)
        change_seq = pw.BigIntegerField()
        deleted = pw.BooleanField(default=False)

        class Meta:
            indexes = ((("store", "sku"), True), *feed_indexes)

    class Event(Base):
        event_id = pw.CharField(36, primary_key=True)
        terminal = pw.ForeignKeyField(Terminal)
        store = pw.ForeignKeyField(Store)
        seq = pw.BigIntegerField()
        type = pw.CharField(64)
        body_hash = pw.CharField(64)
        body = pw.TextField()
        journal_hash = pw.CharField(128, null=True)
        occurred_at = pw.DateTimeField()
        received_at = pw.DateTimeField()

        class Meta:
            indexes = ((("terminal", "seq"), True), (("store", "received_at"), False))

    class Sale(Base):
        sale_id = pw.CharField(36, primary_key=True)
        store = pw.ForeignKeyField(Store)
        terminal = pw.ForeignKeyField(Terminal)
        event = pw.ForeignKeyField(Event, unique=True)
        receipt_number = pw.BigIntegerField()
        currency = pw.CharField(3)
        subtotal_minor = pw.BigIntegerField()
        tax_minor = pw.BigIntegerField()
        total_minor = pw.BigIntegerField()
        cashier = pw.CharField(200, null=True)
        completed_at = pw.DateTimeField()
        business_day = pw.DateField()

        class Meta:
            indexes = ((("store", "business_day"), False),)

    class SalePayment(Base):
        payment_id = pw.CharField(36, primary_key=True)
        sale = pw.ForeignKeyField(Sale, backref="payments")
        tender = pw.CharField(32)
        amount_minor = pw.BigIntegerField()
        change_minor = pw.BigIntegerField(default=0)

    class StockMovement(Base):
        store = pw.ForeignKeyField(Store)
        sku = pw.CharField(64)
        quantity = pw.CharField(40)
        reason = pw.CharField(32)
        sale = pw.ForeignKeyField(Sale, null=True)
        event = pw.ForeignKeyField(Event, null=True)
        created_at = pw.DateTimeField()

        class Meta:
            indexes = ((("store", "sku"), False),)

    database.create_tables(
        [
            Organisation,
            Store,
            AdminToken,
            Terminal,
            EnrollmentCode,
            SeqGap,
            TaxRate,
            Product,
            Barcode,
            Customer,
            StockLevel,
            Event,
            Sale,
            SalePayment,
            StockMovement,
        ]
    )
