"""Wire models (pydantic) of the cloud API; docs/CLOUD.md describes them for the till."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

MAX_BATCH = 500


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
    seq: StrictInt = Field(ge=1, le=2**63 - 1)  # BIGINT; larger was a 500 on PostgreSQL
    type: str = Field(min_length=1, max_length=64)
    occurred_at: dt.datetime
    payload: dict[str, Any]
    journal_hash: str | None = Field(default=None, max_length=128)


class BatchIn(BaseModel):
    events: list[EventIn] = Field(max_length=MAX_BATCH)


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
    product_id: str | None = None
    sku: str | None = Field(default=None, max_length=64)
    gtin: str | None = None
    name: str
    quantity: str = Field(pattern=r"^-?\d{1,12}(\.\d{1,6})?$")
    unit_price_minor: StrictInt
    line_total_minor: StrictInt
    tax_minor: StrictInt
    tax_code: str | None = None


class SalePaymentIn(_Strict):
    payment_id: uuid.UUID
    tender: str = Field(min_length=1, max_length=32)
    amount_minor: StrictInt
    change_minor: StrictInt = 0


class SaleCompletedIn(_Strict):
    sale_id: uuid.UUID
    receipt_number: StrictInt = Field(ge=1)
    currency: str = Field(min_length=3, max_length=3)
    total_minor: StrictInt
    tax_minor: StrictInt
    subtotal_minor: StrictInt
    completed_at: dt.datetime
    cashier: str | None = Field(default=None, max_length=200)
    lines: list[SaleLineIn]
    payments: list[SalePaymentIn]


# --- admin ------------------------------------------------------------------------------


class StoreIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    currency: str = "EUR"
    timezone: str = "UTC"


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
    name: str
    price_minor: StrictInt
    tax_code: str
    gtins: list[str] = Field(default_factory=list, max_length=100)
    active: bool = True


class ProductOut(BaseModel):
    id: str
    sku: str
    name: str
    price_minor: int
    tax_code: str
    active: bool


class PriceIn(BaseModel):
    price_minor: StrictInt


class TaxRateIn(BaseModel):
    name: str
    rate_bp: StrictInt


class CustomerIn(BaseModel):
    name: str
    email: str | None = None
    phone: str | None = None


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
