"""Change feeds: the per-store change counter and paging of the master-data streams.

Every write to a fed table takes the next value(s) of ``store.change_seq`` by UPDATE-ing that
row inside the writing transaction. The UPDATE holds the row lock until commit (PostgreSQL) or
the whole database is write-locked (SQLite), so two transactions of one store can never hold
seqs out of commit order: when a reader sees seq N, every seq below N is already committed.
A cursor is therefore simply the last seq the reader saw, and it can never skip a row that was
committed late.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import peewee as pw

from .errors import BadInput, Conflict, NotFound
from .models import Barcode, Customer, Product, StockLevel, Store, TaxRate

MAX_PAGE = 1000


def next_change_seqs(store_id: str, count: int = 1) -> int:
    """Reserve ``count`` consecutive change seqs for the store; return the first one.

    Must run inside the caller's write transaction: the row lock taken here is what orders
    commits by seq, and it is released only when that transaction ends.
    """
    updated = (
        Store.update(change_seq=Store.change_seq + count).where(Store.id == store_id).execute()
    )
    if updated != 1:
        raise NotFound(f"No store with id {store_id}.")
    last = Store.select(Store.change_seq).where(Store.id == store_id).scalar()
    return int(last) - count + 1


def latest_change_seq(store_id: str) -> int:
    """The highest seq ever handed out for the store (committed)."""
    return int(Store.select(Store.change_seq).where(Store.id == store_id).scalar() or 0)


@dataclass(frozen=True)
class Stream:
    """How one fed table appears on the wire."""

    model: type[pw.Model]
    item_id: Callable[[Any], str]
    data: Callable[[Any], dict]


STREAMS: dict[str, Stream] = {
    "products": Stream(
        Product,
        lambda r: r.id,
        lambda r: {
            "id": r.id,
            "sku": r.sku,
            "name": r.name,
            "price_minor": r.price_minor,
            "tax_code": r.tax_code,
            "active": r.active,
        },
    ),
    "barcodes": Stream(
        Barcode, lambda r: r.gtin, lambda r: {"gtin": r.gtin, "product_id": r.product_id}
    ),
    "tax_rates": Stream(
        TaxRate,
        lambda r: r.code,
        lambda r: {"code": r.code, "name": r.name, "rate_bp": r.rate_bp},
    ),
    "customers": Stream(
        Customer,
        lambda r: r.id,
        lambda r: {"id": r.id, "name": r.name, "email": r.email, "phone": r.phone},
    ),
    "stock": Stream(StockLevel, lambda r: r.sku, lambda r: {"sku": r.sku, "quantity": r.quantity}),
}


def parse_cursor(after: str | None) -> int:
    """Turn the client's cursor into a seq (empty or missing means from the beginning)."""
    if after in (None, ""):
        return 0
    if not after.isdigit():
        raise BadInput(
            f"Cursor '{after}' is not one this server issued; "
            "send the cursor of the previous page, or none to start over."
        )
    return int(after)


def read_page(store_id: str, stream: str, after: int, limit: int) -> dict:
    """One page of a stream, oldest change first.

    Returns:
        ``{"items": [...], "cursor": str, "has_more": bool}``; on an empty page the cursor is
        the one given (never advanced past rows the reader has not seen).

    Raises:
        Conflict: the cursor is ahead of this store's history (the server was restored from
            a backup); the till must resync from an empty cursor.
    """
    spec = STREAMS[stream]
    model = spec.model
    limit = max(1, min(limit, MAX_PAGE))
    rows = list(
        model.select()
        .where((model.store == store_id) & (model.change_seq > after))
        .order_by(model.change_seq)
        .limit(limit + 1)
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    if not rows and after > latest_change_seq(store_id):
        raise Conflict(
            f"Cursor {after} is ahead of this store's changes; the server data was restored. "
            "Resync this stream from an empty cursor."
        )
    items = [
        {
            "op": "delete" if row.deleted else "upsert",
            "id": spec.item_id(row),
            "data": spec.data(row),
        }
        for row in rows
    ]
    cursor = str(rows[-1].change_seq) if rows else str(after)
    return {"items": items, "cursor": cursor, "has_more": has_more}


def has_changes_after(store_id: str, after: int) -> bool:
    """Cheap test for the long poll: did anything in the store change after ``after``?"""
    return latest_change_seq(store_id) > after
