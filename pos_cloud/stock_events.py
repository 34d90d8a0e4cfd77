"""The tills' stock events on the wire, and the ledger entries each one makes.

Every event that moves stock is validated here before the batch touches the database; a
malformed one is rejected (and quarantined) on its own, like a malformed sale. Quantities are
decimal text (weights have decimals), never floats.

| event type                | ledger entries (per line)                                  |
|---------------------------|------------------------------------------------------------|
| ``sale.completed``        | ``sale``: minus the quantity sold                          |
| ``refund.completed``      | ``refund``: plus the quantity returned                     |
| ``stock.counted``         | ``count``: sets the figure as of the count's start         |
| ``goods.received``        | ``receipt``: plus the quantity received                    |
| ``stock.wasted``          | ``waste``: minus the quantity written off (with a reason)  |
| ``stock.transfer_sent``   | ``transfer_out`` at the sending store                      |
| ``stock.transfer_received`` | ``transfer_in`` at the receiving store                   |
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .schemas import Amount, Moment, SaleCompletedIn
from .stock_ledger import Count, Move

SALE = "sale.completed"
REFUND = "refund.completed"
COUNTED = "stock.counted"
RECEIVED = "goods.received"
WASTED = "stock.wasted"
TRANSFER_SENT = "stock.transfer_sent"
TRANSFER_RECEIVED = "stock.transfer_received"
STOCK_TYPES = (REFUND, COUNTED, RECEIVED, WASTED, TRANSFER_SENT, TRANSFER_RECEIVED)
WASTE_REASONS = ("damaged", "expired", "theft", "lost", "other")

Quantity = Annotated[str, Field(pattern=r"^\d{1,12}(\.\d{1,6})?$")]
Sku = Annotated[str, Field(min_length=1, max_length=64)]
MAX_LINES = 5000


class _Payload(BaseModel):
    model_config = ConfigDict(extra="allow")


class QuantityLine(_Payload):
    sku: Sku
    quantity: Quantity


class CountLineIn(_Payload):
    sku: Sku
    counted: Quantity
    expected: str | None = Field(default=None, max_length=40)


class StockCountedIn(_Payload):
    count_id: str = Field(min_length=1, max_length=64)
    started_at: Moment
    lines: list[CountLineIn] = Field(max_length=MAX_LINES)


class ReceivedLineIn(QuantityLine):
    unit_cost_minor: Amount | None = None


class GoodsReceivedIn(_Payload):
    receipt_id: str = Field(min_length=1, max_length=64)
    purchase_order_id: str | None = Field(default=None, max_length=64)
    lines: list[ReceivedLineIn] = Field(max_length=MAX_LINES)


class StockWastedIn(_Payload):
    waste_id: str = Field(min_length=1, max_length=64)
    reason: Literal["damaged", "expired", "theft", "lost", "other"]
    lines: list[QuantityLine] = Field(min_length=1, max_length=MAX_LINES)


class TransferSentIn(_Payload):
    transfer_id: uuid.UUID
    to_store_id: str = Field(min_length=1, max_length=36)
    lines: list[QuantityLine] = Field(min_length=1, max_length=MAX_LINES)


class TransferReceivedIn(_Payload):
    transfer_id: uuid.UUID
    lines: list[QuantityLine] = Field(max_length=MAX_LINES)


class RefundCompletedIn(_Payload):
    refund_id: str = Field(min_length=1, max_length=64)
    sale_id: str | None = Field(default=None, max_length=64)
    # [line_id, quantity, gross, tax, name] as the till sends them (pos_desktop returns_repo)
    lines: list[list] = Field(default_factory=list, max_length=MAX_LINES)
    # Tills since issue 19 name the sku of each returned line; older ones are looked up
    # in the original sale.
    stock: list[QuantityLine] | None = Field(default=None, max_length=MAX_LINES)


_MODELS: dict[str, type[BaseModel]] = {
    REFUND: RefundCompletedIn,
    COUNTED: StockCountedIn,
    RECEIVED: GoodsReceivedIn,
    WASTED: StockWastedIn,
    TRANSFER_SENT: TransferSentIn,
    TRANSFER_RECEIVED: TransferReceivedIn,
}


def parse(event_type: str, payload: dict) -> tuple[BaseModel | None, str | None]:
    """The validated payload of a stock event, or the problem that rejects it."""
    model = _MODELS.get(event_type)
    if model is None:
        return None, None
    try:
        return model.model_validate(payload), None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return None, f"{event_type} payload invalid at '{where}': {first['msg']}"


def naive_utc(moment: dt.datetime) -> dt.datetime:
    """Naive UTC, the form every DateTimeField of the cloud holds (naive means UTC)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def refund_lines_from_sale(refund: RefundCompletedIn, sale_body: str | None) -> list[QuantityLine]:
    """The returned quantities by sku, from the original sale's event body (older tills)."""
    if refund.stock is not None:
        return list(refund.stock)
    if not sale_body:
        return []
    try:
        sold = json.loads(sale_body)["payload"]["lines"]
        skus = {str(line["line_id"]): line.get("sku") for line in sold}
    except (ValueError, KeyError, TypeError):
        return []
    out = []
    for line in refund.lines:
        if len(line) < 2 or not skus.get(str(line[0])):
            continue
        try:
            out.append(QuantityLine(sku=skus[str(line[0])], quantity=str(Decimal(str(line[1])))))
        except (ValueError, ArithmeticError):
            continue
    return out


def texts(payload: BaseModel) -> list[str]:
    """The texts of a stock payload that go into columns of their own (the NUL check)."""
    lines = list(getattr(payload, "lines", None) or []) + list(
        getattr(payload, "stock", None) or []
    )
    out = [getattr(line, "sku", "") for line in lines if not isinstance(line, list)]
    for name in ("count_id", "receipt_id", "purchase_order_id", "waste_id", "refund_id"):
        out.append(getattr(payload, name, None) or "")
    return out


def sale_entries(event_id: str, sale: SaleCompletedIn) -> list[Move]:
    """One ``sale`` movement per sku of the sale (its lines summed)."""
    totals: dict[str, Decimal] = {}
    for line in sale.lines:
        if line.sku:
            totals[line.sku] = totals.get(line.sku, Decimal(0)) + Decimal(line.quantity)
    at, sale_id = naive_utc(sale.completed_at), str(sale.sale_id)
    return [
        Move(sku, 0 - qty, "sale", at, event_id, ref=sale_id, sale_id=sale_id)
        for sku, qty in sorted(totals.items())
        if qty
    ]


def _summed(lines) -> list[tuple[str, Decimal]]:
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line.sku] = totals.get(line.sku, Decimal(0)) + Decimal(line.quantity)
    return [(sku, qty) for sku, qty in totals.items() if qty]


def entries(
    event_type: str, event_id: str, payload, occurred_at: dt.datetime, sale_body: str | None
) -> list[Move | Count]:
    """The ledger entries of a validated stock event (see the table above)."""
    at = naive_utc(occurred_at)
    if event_type == COUNTED:
        last = {line.sku: Decimal(line.counted) for line in payload.lines}  # a repeat: last wins
        start = naive_utc(payload.started_at)
        return [Count(sku, qty, start, event_id, payload.count_id) for sku, qty in last.items()]
    if event_type == REFUND:
        lines, sign, reason, ref, detail = (
            refund_lines_from_sale(payload, sale_body),
            1,
            "refund",
            payload.refund_id,
            None,
        )
    elif event_type == RECEIVED:
        lines, sign, reason = payload.lines, 1, "receipt"
        ref, detail = payload.receipt_id, payload.purchase_order_id
    elif event_type == WASTED:
        lines, sign, reason, ref, detail = (
            payload.lines,
            -1,
            "waste",
            payload.waste_id,
            payload.reason,
        )
    elif event_type == TRANSFER_SENT:
        lines, sign, reason = payload.lines, -1, "transfer_out"
        ref, detail = str(payload.transfer_id), payload.to_store_id
    elif event_type == TRANSFER_RECEIVED:
        lines, sign, reason, ref, detail = (
            payload.lines,
            1,
            "transfer_in",
            str(payload.transfer_id),
            None,
        )
    else:
        return []
    return [
        Move(sku, sign * qty, reason, at, event_id, ref=ref, detail=detail)
        for sku, qty in _summed(lines)
    ]
