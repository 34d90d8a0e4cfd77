"""Wire models (pydantic) of the cloud API; docs/CLOUD.md describes them for the till."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt

MAX_BATCH = 500
# Money fields: +-10^15 minor units (10 trillion in a 2-decimal currency). Far below int64, so
# sums of a day's sales cannot overflow a BIGINT either; beyond int64 was a 500.
MAX_AMOUNT = 10**15
MAX_BIGINT = 2**63 - 1
# Times a till may send (UTC): a till with a dead clock battery says 1970; years near 1 or
# 9999 overflowed when converted to UTC or to the store's day (a 500).
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)

Amount = Annotated[StrictInt, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]


def _plausible_time(moment: dt.datetime) -> dt.datetime:
    # Years 2..8999 cannot overflow when shifted by a UTC offset (at most a day).
    if not 1 < moment.year < 9000:
        raise ValueError("must be between 1970 and 9000 (UTC)")
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    if not EARLIEST <= aware < LATEST:
        raise ValueError("must be between 1970 and 9000 (UTC)")
    return moment


Moment = Annotated[dt.datetime, AfterValidator(_plausible_time)]


class EnrollIn(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    terminal_name: str = Field(min_length=1, max_length=200)


class EnrollOut(BaseModel):
    terminal_id: str
    store_id: str
    token: str
    currency: str


class EventIn(BaseModel):
    event_id: uuid.UUID
    seq: StrictInt = Field(ge=1, le=MAX_BIGINT)  # BIGINT; larger was a 500 on PostgreSQL
    type: str = Field(min_length=1, max_length=64)
    occurred_at: Moment
    payload: dict[str, Any]
    journal_hash: str | None = Field(default=None, max_length=128)


class BatchIn(BaseModel):
    # Each event is checked on its own (against EventIn, see ingest.py): a bad event is
    # rejected and quarantined while the events behind it are stored.
    events: list[dict[str, Any]] = Field(
        max_length=MAX_BATCH,
        description="Events (the EventIn shape), at most 500; each is validated on its own.",
    )


class EventResult(BaseModel):
    event_id: str
    status: Literal["stored", "duplicate", "rejected"]
    reason: str | None


class BatchOut(BaseModel):
    results: list[EventResult]
    last_seq: int


class FeedItem(BaseModel):
    op: Literal["upsert", "delete"]
    id: str
    data: dict[str, Any]


class FeedPage(BaseModel):
    items: list[FeedItem]
    cursor: str
    has_more: bool


class SeqRange(BaseModel):
    first_seq: int
    last_seq: int


class GapsOut(BaseModel):
    last_seq: int
    gaps: list[SeqRange]
    missing: list[int] = Field(description="Missing seqs, at most the first 10000.")


class TerminalOut(BaseModel):
    terminal_id: str
    store_id: str
    name: str
    currency: str
    last_seq: int
    journal_head: str | None
    revoked: bool


# --- sale.completed payload -------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="allow")


class SaleLineIn(_Strict):
    line_id: uuid.UUID
    product_id: str | None = Field(default=None, max_length=64)
    sku: str | None = Field(default=None, max_length=64)
    gtin: str | None = Field(default=None, max_length=64)
    name: str = Field(max_length=1000)
    quantity: str = Field(pattern=r"^-?\d{1,12}(\.\d{1,6})?$")
    unit_price_minor: Amount
    line_total_minor: Amount
    tax_minor: Amount
    tax_code: str | None = Field(default=None, max_length=32)


class SalePaymentIn(_Strict):
    payment_id: uuid.UUID
    tender: str = Field(min_length=1, max_length=32)
    amount_minor: Amount
    change_minor: Amount = 0


class SaleCompletedIn(_Strict):
    sale_id: uuid.UUID
    receipt_number: StrictInt = Field(ge=1, le=MAX_BIGINT)
    currency: str = Field(min_length=3, max_length=3)
    total_minor: Amount
    tax_minor: Amount
    subtotal_minor: Amount
    completed_at: Moment
    cashier: str | None = Field(default=None, max_length=200)
    lines: list[SaleLineIn] = Field(max_length=1000)
    payments: list[SalePaymentIn] = Field(max_length=100)


class ReceiptMailIn(BaseModel):
    """A till hands an e-mailed receipt to the cloud (``mail_id``: the till's, once only)."""

    mail_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    sale_id: uuid.UUID
    recipient: str = Field(min_length=3, max_length=254)
    receipt_token: str | None = Field(default=None, max_length=64)


class ReceiptMailOut(BaseModel):
    status: str  # queued | already_queued


# --- admin ------------------------------------------------------------------------------


class StoreIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    currency: str = Field(default="EUR", max_length=3)
    timezone: str = Field(default="UTC", max_length=64)


class StoreOut(BaseModel):
    id: str
    name: str
    currency: str
    timezone: str
    organisation_id: str


class EnrollmentCodeIn(BaseModel):
    ttl_minutes: int = Field(default=24 * 60, ge=1, le=30 * 24 * 60)


class EnrollmentCodeOut(BaseModel):
    code: str
    expires_at: dt.datetime


class ProductIn(BaseModel):
    name: str = Field(max_length=200)
    price_minor: StrictInt = Field(ge=0, le=MAX_AMOUNT)
    tax_code: str = Field(max_length=32)
    gtins: list[Annotated[str, Field(max_length=32)]] = Field(default_factory=list, max_length=100)
    active: bool = True
    category: str | None = Field(
        default=None, max_length=100, description="Product group; omitted keeps it, '' clears it"
    )


class ProductOut(BaseModel):
    id: str
    sku: str
    name: str
    price_minor: int
    tax_code: str
    active: bool
    category: str | None = None
    gtins: list[str] = []  # its live barcodes


class PriceIn(BaseModel):
    price_minor: StrictInt = Field(ge=0, le=MAX_AMOUNT)


class TaxRateIn(BaseModel):
    name: str = Field(max_length=200)
    rate_bp: StrictInt = Field(ge=0, le=10_000)


class CustomerIn(BaseModel):
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=64)


class AdminTerminalOut(BaseModel):
    terminal_id: str
    name: str
    revoked: bool
    last_seq: int
    journal_head: str | None
    last_seen_at: dt.datetime | None
    gaps: list[SeqRange]


class SaleOut(BaseModel):
    sale_id: str
    terminal_id: str
    receipt_number: int
    currency: str
    subtotal_minor: int
    tax_minor: int
    total_minor: int
    cashier: str | None
    completed_at: dt.datetime
    business_day: dt.date
    payments: list[dict[str, Any]]


class DailyReportOut(BaseModel):
    store_id: str
    day: dt.date
    currency: str
    sale_count: int
    gross_minor: int
    tax_minor: int
    net_minor: int
    tenders: dict[str, int] = Field(description="Net amount (amount - change) per tender.")


class QuarantinedEventOut(BaseModel):
    id: int
    terminal_id: str
    event_id: str | None
    seq: int | None
    reason: str
    received_at: dt.datetime
    body: str = Field(description="The event as sent, as JSON text (non-ASCII escaped).")
