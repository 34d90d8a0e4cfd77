"""Admin routes for stock (admin bearer token): on hand, movements, transfers.

See docs/INVENTORY.md. The figures are the stock ledger's (stock_ledger.py); the tills get the
same on-hand figures through the ``stock`` change feed.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Path, Query

from . import stock_ledger, transfers
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
