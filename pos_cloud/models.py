"""Live peewee models of the cloud database (the schema itself is made by migrations/).

Master-data tables that feed the tills (tax rates, products, barcodes, customers, stock levels)
carry ``change_seq`` (from the store's counter, see feeds.py) and a ``deleted`` tombstone flag.
Timestamps are naive UTC datetimes.
"""

from __future__ import annotations

import datetime as dt
import uuid

import peewee as pw

from .db import database_proxy


def utcnow() -> dt.datetime:
    """Naive UTC now, the form every DateTimeField in this database holds."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_id() -> str:
    """A fresh UUID4 as text."""
    return str(uuid.uuid4())


def live(model: type[pw.Model]) -> pw.Expression:
    """The condition "not a tombstone" for a fed table."""
    return model.deleted == False  # noqa: E712 (SQL, not Python truthiness)


class BaseModel(pw.Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class Organisation(BaseModel):
    id = pw.CharField(36, primary_key=True, default=new_id)
    name = pw.CharField(200)
    created_at = pw.DateTimeField(default=utcnow)


class Store(BaseModel):
    id = pw.CharField(36, primary_key=True, default=new_id)
    organisation = pw.ForeignKeyField(Organisation, backref="stores")
    name = pw.CharField(200)
    currency = pw.CharField(3)
    timezone = pw.CharField(64, default="UTC")
    # The per-store change counter; see feeds.next_change_seqs for why it is a locked row.
    change_seq = pw.BigIntegerField(default=0)
    created_at = pw.DateTimeField(default=utcnow)
    # Migration 0012: the seller on digital receipts and invoices
    address = pw.TextField(default="")
    vat_id = pw.CharField(64, default="")


class AdminToken(BaseModel):
    token_hash = pw.CharField(64, unique=True)
    label = pw.CharField(200, default="")
    revoked = pw.BooleanField(default=False)
    created_at = pw.DateTimeField(default=utcnow)
    # Migration 0005: scope (see admin_tokens.py)
    store_id = pw.CharField(36, null=True)  # None: every store
    read_only = pw.BooleanField(default=False)
    revoked_at = pw.DateTimeField(null=True)


class Terminal(BaseModel):
    id = pw.CharField(36, primary_key=True, default=new_id)
    store = pw.ForeignKeyField(Store, backref="terminals")
    name = pw.CharField(200)
    token_hash = pw.CharField(64, unique=True)
    revoked = pw.BooleanField(default=False)
    last_seq = pw.BigIntegerField(default=0)
    journal_head = pw.CharField(128, null=True)
    created_at = pw.DateTimeField(default=utcnow)
    last_seen_at = pw.DateTimeField(null=True)


class EnrollmentCode(BaseModel):
    store = pw.ForeignKeyField(Store)
    code_hash = pw.CharField(64, unique=True)
    expires_at = pw.DateTimeField()
    used_at = pw.DateTimeField(null=True)
    terminal_id = pw.CharField(36, null=True)
    created_at = pw.DateTimeField(default=utcnow)


class SeqGap(BaseModel):
    """An inclusive range of seqs a terminal has not (yet) delivered."""

    terminal = pw.ForeignKeyField(Terminal, backref="gaps")
    first_seq = pw.BigIntegerField()
    last_seq = pw.BigIntegerField()


class TaxRate(BaseModel):
    store = pw.ForeignKeyField(Store)
    code = pw.CharField(32)
    name = pw.CharField(200)
    rate_bp = pw.IntegerField()
    change_seq = pw.BigIntegerField()
    deleted = pw.BooleanField(default=False)


class Product(BaseModel):
    id = pw.CharField(36, primary_key=True, default=new_id)
    store = pw.ForeignKeyField(Store)
    sku = pw.CharField(64)
    name = pw.CharField(200)
    price_minor = pw.BigIntegerField()
    tax_code = pw.CharField(32)
    active = pw.BooleanField(default=True)
    change_seq = pw.BigIntegerField()
    deleted = pw.BooleanField(default=False)
    category = pw.CharField(100, null=True)  # a product group, for filters and reports


class Barcode(BaseModel):
    store = pw.ForeignKeyField(Store)
    gtin = pw.CharField(14)
    product = pw.ForeignKeyField(Product, null=True)
    change_seq = pw.BigIntegerField()
    deleted = pw.BooleanField(default=False)


class Customer(BaseModel):
    id = pw.CharField(36, primary_key=True, default=new_id)
    store = pw.ForeignKeyField(Store)
    name = pw.CharField(200)
    email = pw.CharField(200, null=True)
    phone = pw.CharField(64, null=True)
    change_seq = pw.BigIntegerField()
    deleted = pw.BooleanField(default=False)
    # Migration 0008 (docs/CLOUD.md, "Customers")
    marketing_consent = pw.BooleanField(default=False)
    consent_at = pw.CharField(40, null=True)
    consent_source = pw.CharField(200, null=True)
    email_receipts = pw.BooleanField(default=False)
    created_at = pw.DateTimeField(null=True)
    merged_into = pw.CharField(36, null=True)
    erased_at = pw.DateTimeField(null=True)
    # Migration 0012: with both, the customer's digital receipts are invoices
    address = pw.TextField(default="")
    vat_id = pw.CharField(64, default="")


class SaleCustomer(BaseModel):
    sale_id = pw.CharField(36, primary_key=True)
    customer_id = pw.CharField(36, index=True)
    store_id = pw.CharField(36)


class TillStaff(BaseModel):
    """A till user of one store (cashier ... admin), fed to its tills; PIN as Argon2id only."""

    id = pw.CharField(36, primary_key=True, default=new_id)
    store = pw.ForeignKeyField(Store)
    name = pw.CharField(100)
    name_key = pw.CharField(100)
    role = pw.CharField(16)
    pin_hash = pw.CharField(200)
    active = pw.BooleanField(default=True)
    change_seq = pw.BigIntegerField()
    deleted = pw.BooleanField(default=False)


class QuickKey(BaseModel):
    """One key of a store's quick-key grid (page 1-9, position 0-23), fed to its tills."""

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


class Promotion(BaseModel):
    """A promotion of one store (the till's kinds; see pos_cloud/promotions.py), fed to its
    tills. ``params`` is JSON of whole numbers and decimal strings, never floats."""

    id = pw.CharField(36, primary_key=True, default=new_id)
    store = pw.ForeignKeyField(Store)
    name = pw.CharField(100)
    kind = pw.CharField(32)
    params = pw.TextField()
    product_ids = pw.TextField()  # JSON list of product ids
    category = pw.CharField(100, null=True)  # and every product of this group
    starts_at = pw.DateTimeField(null=True)  # naive UTC, inclusive
    ends_at = pw.DateTimeField(null=True)  # naive UTC, exclusive
    active = pw.BooleanField(default=True)
    updated_at = pw.DateTimeField(default=utcnow)
    change_seq = pw.BigIntegerField()
    deleted = pw.BooleanField(default=False)


class StockLevel(BaseModel):
    store = pw.ForeignKeyField(Store)
    sku = pw.CharField(64)
    quantity = pw.CharField(40)  # a Decimal as text: exact on SQLite too
    change_seq = pw.BigIntegerField()
    deleted = pw.BooleanField(default=False)
    # Migration 0009: the last count applied (see stock_ledger.py)
    count_started_at = pw.DateTimeField(null=True)
    count_event = pw.CharField(36, null=True)
    low_since = pw.DateTimeField(null=True)  # restock.py: at or below the reorder point


class Event(BaseModel):
    event_id = pw.CharField(36, primary_key=True)
    terminal = pw.ForeignKeyField(Terminal)
    store = pw.ForeignKeyField(Store)
    seq = pw.BigIntegerField()
    type = pw.CharField(64)
    body_hash = pw.CharField(64)
    body = pw.TextField()
    journal_hash = pw.CharField(128, null=True)
    occurred_at = pw.DateTimeField()
    received_at = pw.DateTimeField(default=utcnow)


class Sale(BaseModel):
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


class SalePayment(BaseModel):
    payment_id = pw.CharField(36, primary_key=True)
    sale = pw.ForeignKeyField(Sale, backref="payments")
    tender = pw.CharField(32)
    amount_minor = pw.BigIntegerField()
    change_minor = pw.BigIntegerField(default=0)


class StockMovement(BaseModel):
    store = pw.ForeignKeyField(Store)
    sku = pw.CharField(64)
    quantity = pw.CharField(40)  # signed Decimal text; a sale is negative
    reason = pw.CharField(32)
    sale = pw.ForeignKeyField(Sale, null=True)
    event = pw.ForeignKeyField(Event, null=True)
    created_at = pw.DateTimeField(default=utcnow)
    # Migration 0009
    occurred_at = pw.DateTimeField(null=True)
    ref = pw.CharField(64, null=True)
    detail = pw.CharField(64, null=True)


class StockTransfer(BaseModel):
    """Goods sent from one store to another (migration 0009)."""

    id = pw.CharField(36, primary_key=True)
    from_store_id = pw.CharField(36)
    to_store_id = pw.CharField(36)
    status = pw.CharField(16)  # in_transit | received
    lines = pw.TextField()
    received_lines = pw.TextField(null=True)
    sent_event = pw.CharField(36)
    received_event = pw.CharField(36, null=True)
    sent_at = pw.DateTimeField()
    received_at = pw.DateTimeField(null=True)
    from_store_name = pw.CharField(200, default="")
    change_seq = pw.BigIntegerField(null=True)  # of the receiving store (``transfers`` feed)
    deleted = pw.BooleanField(default=False)  # received: off the receiving tills' list


class StoreDirectory(BaseModel):
    """Per store, the other stores of its organisation (the ``stores`` feed; migration 0009)."""

    store_id = pw.CharField(36)
    other_store_id = pw.CharField(36)
    name = pw.CharField(200)
    change_seq = pw.BigIntegerField()
    deleted = pw.BooleanField(default=False)


class PurchaseOrder(BaseModel):
    """Goods ordered from a supplier for one store (migration 0009; purchase_orders.py)."""

    id = pw.CharField(36, primary_key=True, default=new_id)
    store_id = pw.CharField(36)
    number = pw.IntegerField()
    supplier = pw.CharField(200)
    expected_date = pw.DateField(null=True)
    status = pw.CharField(16)  # open | received | closed
    lines = pw.TextField()  # JSON [{sku, ordered, received, unit_cost_minor}]
    created_at = pw.DateTimeField(default=utcnow)
    closed_at = pw.DateTimeField(null=True)
    change_seq = pw.BigIntegerField()
    deleted = pw.BooleanField(default=False)
    supplier_id = pw.CharField(36, null=True)  # migration 0014: the Supplier record, if any


class Supplier(BaseModel):
    """Who a store orders from, and how many days an order takes (migration 0014)."""

    id = pw.CharField(36, primary_key=True, default=new_id)
    store_id = pw.CharField(36)
    name = pw.CharField(200)
    email = pw.CharField(254, default="")
    lead_time_days = pw.IntegerField()
    created_at = pw.DateTimeField(default=utcnow)


class ReceiptLink(BaseModel):
    """A sale's public receipt link: the SHA-256 of its token (migration 0012)."""

    token_hash = pw.CharField(64, primary_key=True)
    sale_id = pw.CharField(36, unique=True)
    store_id = pw.CharField(36)


class ReceiptMail(BaseModel):
    """A receipt to e-mail, with its retries (migration 0012; receipt_mail.py)."""

    id = pw.BigAutoField()
    mail_id = pw.CharField(64, unique=True)
    store_id = pw.CharField(36)
    sale_id = pw.CharField(36)
    recipient = pw.CharField(254)
    receipt_token = pw.CharField(64, null=True)  # for the link in the message; cleared once sent
    status = pw.CharField(16, default="pending")  # pending | sent | failed
    attempts = pw.IntegerField(default=0)
    next_attempt_at = pw.DateTimeField(default=utcnow)
    lease_until = pw.DateTimeField(null=True)
    last_error = pw.CharField(500, null=True)
    created_at = pw.DateTimeField(default=utcnow)
    sent_at = pw.DateTimeField(null=True)


ALL_MODELS = [
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
    SaleCustomer,
    TillStaff,
    QuickKey,
    StockLevel,
    Event,
    Sale,
    SalePayment,
    StockMovement,
    StockTransfer,
    StoreDirectory,
    PurchaseOrder,
    ReceiptLink,
    ReceiptMail,
    Supplier,
]
