"""peewee models over the schema the migrations create (the migrations, not these, own DDL).

The scan and commit paths use plain SQL (measured faster); these models are the typed map of
the tables for ad-hoc queries and tools; tests/integration/test_models_match_schema.py keeps
them equal to what the migrations make.
"""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


class BaseModel(Model):
    class Meta:
        database = None  # bound by storage.db.open_database
        legacy_table_names = False


class StoreSettingsRow(BaseModel):
    id = IntegerField(primary_key=True)
    name = TextField()
    address = TextField(default="")
    currency = CharField()
    prices_include_tax = BooleanField()
    receipt_header = TextField(default="")
    receipt_footer = TextField(default="")
    terminal_id = CharField()
    locale = CharField(default="en_GB")
    barcode_region = CharField(default="SE")
    tax_id = TextField(default="")
    country = CharField(default="")
    language = CharField(default="en")
    receipt_logo = TextField(default="")

    class Meta:
        table_name = "store_settings"


class TaxRateRow(BaseModel):
    code = CharField(primary_key=True)
    name = TextField()
    percent = TextField()

    class Meta:
        table_name = "tax_rate"


class ProductRow(BaseModel):
    id = CharField(primary_key=True)
    sku = CharField(unique=True)
    name = TextField()
    price_minor = IntegerField()
    tax_code = ForeignKeyField(TaxRateRow, column_name="tax_code", field="code")
    active = BooleanField(default=True)
    sold_by_weight = BooleanField(default=False)
    updated_at = TextField()

    class Meta:
        table_name = "product"


class BarcodeRow(BaseModel):
    gtin = CharField(primary_key=True)
    product = ForeignKeyField(ProductRow, column_name="product_id")

    class Meta:
        table_name = "barcode"


class ReceiptCounterRow(BaseModel):
    terminal_id = CharField(primary_key=True)
    last_number = IntegerField()

    class Meta:
        table_name = "receipt_counter"


class SaleRow(BaseModel):
    id = CharField(primary_key=True)
    terminal_id = CharField()
    receipt_number = IntegerField()
    currency = CharField()
    subtotal_minor = IntegerField()
    tax_minor = IntegerField()
    total_minor = IntegerField()
    prices_include_tax = BooleanField()
    status = CharField()
    cashier = TextField(null=True)
    completed_at = TextField()
    shift_id = CharField(null=True)
    rounding_minor = IntegerField(default=0)
    savings_minor = IntegerField(default=0)

    class Meta:
        table_name = "sale"


class SaleLineRow(BaseModel):
    id = CharField(primary_key=True)
    sale = ForeignKeyField(SaleRow, column_name="sale_id", backref="lines")
    position = IntegerField()
    product_id = CharField()
    sku = CharField()
    gtin = CharField(null=True)
    name = TextField()
    quantity = TextField()
    unit_price_minor = IntegerField()
    amount_minor = IntegerField()
    net_minor = IntegerField()
    tax_minor = IntegerField()
    tax_code = CharField()
    tax_percent = TextField()
    regular_minor = IntegerField(null=True)
    promotion_minor = IntegerField(default=0)
    discount_minor = IntegerField(default=0)
    order_discount_minor = IntegerField(default=0)
    promotions = TextField(default="[]")
    override_reason = TextField(null=True)

    class Meta:
        table_name = "sale_line"


class PaymentRow(BaseModel):
    id = CharField(primary_key=True)
    sale = ForeignKeyField(SaleRow, column_name="sale_id", backref="payments")
    tender = CharField()
    currency = CharField()
    amount_minor = IntegerField()
    tendered_minor = IntegerField()
    change_minor = IntegerField()
    reference = TextField(null=True)
    created_at = TextField()

    class Meta:
        table_name = "payment"


class OutboxRow(BaseModel):
    seq = AutoField()
    event_id = CharField(unique=True)
    type = CharField()
    payload = TextField()
    created_at = TextField()
    status = CharField(default="pending")
    attempts = IntegerField(default=0)
    last_error = TextField(null=True)
    sent_at = TextField(null=True)

    class Meta:
        table_name = "outbox"


class JournalRow(BaseModel):
    seq = AutoField()
    record_id = CharField(unique=True)
    type = CharField()
    object_id = CharField(null=True)
    created_at = TextField()
    body = TextField()
    prev_hash = CharField()
    hash = CharField()

    class Meta:
        table_name = "journal"


class PrintJobRow(BaseModel):
    id = CharField(primary_key=True)
    kind = CharField()
    sale_id = CharField(null=True)
    status = CharField()
    error = TextField(null=True)
    created_at = TextField()
    finished_at = TextField(null=True)
    document = TextField(null=True)
    copy_of = CharField(null=True)
    decided = CharField(null=True)

    class Meta:
        table_name = "print_job"


class DrawerEventRow(BaseModel):
    id = CharField(primary_key=True)
    reason = CharField()
    sale_id = CharField(null=True)
    status = CharField()
    error = TextField(null=True)
    created_at = TextField()

    class Meta:
        table_name = "drawer_event"


ALL_MODELS = [
    StoreSettingsRow,
    TaxRateRow,
    ProductRow,
    BarcodeRow,
    ReceiptCounterRow,
    SaleRow,
    SaleLineRow,
    PaymentRow,
    OutboxRow,
    JournalRow,
    PrintJobRow,
    DrawerEventRow,
]
