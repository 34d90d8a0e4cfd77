"""Admin routes for stock (admin bearer token): on hand, movements, transfers, purchase orders.

See docs/INVENTORY.md. The figures are the stock ledger's (stock_ledger.py); the tills get the
same on-hand figures through the ``stock`` change feed.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field, StrictInt

from . import purchase_orders, restock, stock_ledger, transfers
from .catalog import get_store
from .deps import in_db, require_admin
from .guards import StrictJSONRoute

router = APIRouter(
    prefix="/v1/admin",
    tags=["stock"],
    dependencies=[Depends(require_admin)],
    route_class=StrictJSONRoute,
)


@router.get("/stores/{store_id}/stock")
def stock_levels(store_id: str) -> list[dict]:
    """On hand of every product that has moved in the store (sku, quantity as decimal text,
    when it was last counted)."""

    def read() -> list[dict]:
        get_store(store_id)
        return stock_ledger.levels(store_id)

    return in_db(read)


@router.get("/stores/{store_id}/stock/{sku}/movements")
def stock_movements(
    store_id: str,
    sku: str = Path(min_length=1, max_length=64),
    limit: int = Query(default=200, ge=1, le=5000),
) -> list[dict]:
    """The product's stock movements in the store, newest first (sale, refund, count,
    receipt, waste, transfer_out, transfer_in), each with when it happened at the till."""

    def read() -> list[dict]:
        get_store(store_id)
        return stock_ledger.movements(store_id, sku, limit)

    return in_db(read)


@router.get("/stores/{store_id}/transfers")
def store_transfers(
    store_id: str,
    status: Literal["in_transit", "received"] | None = Query(default=None),
) -> list[dict]:
    """Transfers sent from or to the store, newest first; ``in_transit``: sent, not received."""

    def read() -> list[dict]:
        get_store(store_id)
        return transfers.listing(store_id, status)

    return in_db(read)


class OrderLineIn(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: Annotated[str, Field(pattern=r"^\d{1,9}(\.\d{1,6})?$")]
    unit_cost_minor: StrictInt | None = Field(default=None, ge=0, le=10**15)


class PurchaseOrderIn(BaseModel):
    supplier: str = Field(min_length=1, max_length=200)
    expected_date: dt.date | None = None
    lines: list[OrderLineIn] = Field(min_length=1, max_length=purchase_orders.MAX_LINES)


@router.post("/stores/{store_id}/purchase-orders", status_code=201)
def create_purchase_order(store_id: str, body: PurchaseOrderIn) -> dict:
    """Order goods from a supplier for the store; the store's tills receive against it."""
    lines = [
        purchase_orders.OrderLine(
            ln.sku, purchase_orders.parse_quantity(ln.quantity, ln.sku), ln.unit_cost_minor
        )
        for ln in body.lines
    ]

    def create() -> dict:
        get_store(store_id)
        return purchase_orders.create(store_id, body.supplier, body.expected_date, lines)

    return in_db(create)


@router.get("/stores/{store_id}/purchase-orders")
def list_purchase_orders(
    store_id: str, status: Literal["open", "received", "closed"] | None = Query(default=None)
) -> list[dict]:
    """The store's purchase orders, newest first, with ordered, received and outstanding."""

    def read() -> list[dict]:
        get_store(store_id)
        return purchase_orders.listing(store_id, status)

    return in_db(read)


@router.get("/stores/{store_id}/purchase-orders/{order_id}")
def get_purchase_order(store_id: str, order_id: str = Path(max_length=36)) -> dict:
    """One purchase order."""
    return in_db(lambda: purchase_orders.as_dict(purchase_orders.get(store_id, order_id)))


@router.post("/stores/{store_id}/purchase-orders/{order_id}/close")
def close_purchase_order(store_id: str, order_id: str = Path(max_length=36)) -> dict:
    """Give up on what is still outstanding; the order leaves the tills' list."""
    return in_db(purchase_orders.close, store_id, order_id)


@router.get("/stores/{store_id}/restock")
def restock_suggestions(
    store_id: str,
    lead_time_days: int = Query(default=restock.DEFAULT_LEAD_TIME_DAYS, ge=1, le=120),
    low_only: bool = Query(default=False, description="only products at or below reorder"),
) -> list[dict]:
    """Per product: on hand, on order, daily forecast (weekly seasonality), reorder point and
    the suggested order; low products first (the low-stock list). ``lead_time_days`` is the
    default: a product last ordered from a supplier record uses that supplier's lead time."""

    def read() -> list[dict]:
        get_store(store_id)
        rows = restock.suggestions(store_id, lead_time_days)
        return [r for r in rows if r["low"]] if low_only else rows

    return in_db(read)


@router.post("/stores/{store_id}/restock/check")
def restock_check(
    store_id: str,
    lead_time_days: int = Query(default=restock.DEFAULT_LEAD_TIME_DAYS, ge=1, le=120),
) -> list[dict]:
    """Mark products that fell low and offer the webhook event ``stock.low`` once for each;
    returns them (run it from cron, e.g. every 15 minutes)."""

    def check() -> list[dict]:
        get_store(store_id)
        return restock.check_alerts(store_id, lead_time_days)

    return in_db(check)
