"""Change feeds: the per-store change counter and paging of the master-data streams.

Every write to a fed table takes the next value(s) of ``store.change_seq`` by UPDATE-ing that
row inside the writing transaction. The UPDATE holds the row lock until commit (PostgreSQL) or
the whole database is write-locked (SQLite), so two transactions of one store can never hold
seqs out of commit order: when a reader sees seq N, every seq below N is already committed.
A cursor is therefore simply the last seq the reader saw, and it can never skip a row that was
committed late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import orjson
import peewee as pw

from pos_common.quick_keys import key_id

from . import change_notify
from .db import database_proxy, is_postgres
from .errors import BadInput, Conflict, NotFound
from .models import (
    Barcode,
    Customer,
    Product,
    Promotion,
    PurchaseOrder,
    QuickKey,
    StockLevel,
    StockTransfer,
    Store,
    StoreDirectory,
    TaxRate,
    TillStaff,
)

MAX_PAGE = 10_000  # a first sync of 1M products asks for big pages; see docs/SYNC.md


def next_change_seqs(store_id: str, count: int = 1) -> int:
    """Reserve ``count`` consecutive change seqs for the store; return the first one.

    Must run inside the caller's write transaction: the row lock taken here is what orders
    commits by seq, and it is released only when that transaction ends.
    """
    mark = database_proxy.obj.param
    params: tuple = (count, store_id)
    # PostgreSQL tells the listening servers on commit (change_notify wakes long polls).
    notify = ""
    if is_postgres():
        notify, params = ", " + change_notify.NOTIFY_SQL, (count, store_id, store_id)
    # One round trip (UPDATE ... RETURNING) while the lock is held.
    cursor = database_proxy.execute_sql(
        f'UPDATE "store" SET "change_seq" = "change_seq" + {mark} WHERE "id" = {mark} '
        f'RETURNING "change_seq"{notify}',
        params,
    )
    rows = cursor.fetchall()  # all: SQLite finishes the statement only when it is exhausted
    if not rows:
        raise NotFound(f"No store with id {store_id}.")
    change_notify.mark(store_id)
    return int(rows[0][0]) - count + 1


def latest_change_seq(store_id: str) -> int:
    """The highest seq ever handed out for the store (committed)."""
    return int(Store.select(Store.change_seq).where(Store.id == store_id).scalar() or 0)


@dataclass(frozen=True)
class Stream:
    """How one fed table appears on the wire.

    ``columns`` are read as plain tuples (no model instances: a first sync reads millions of
    rows); the last two are always ``deleted`` and ``change_seq``. ``item_id`` and ``data``
    take the leading values (the ``columns`` without those two).
    """

    model: type[pw.Model]
    columns: tuple[str, ...]
    item_id: Callable[[tuple], str]
    data: Callable[[tuple], dict]
    store_field: str = "store"  # the column that names the store whose feed a row is in


STREAMS: dict[str, Stream] = {
    "products": Stream(
        Product,
        ("id", "sku", "name", "price_minor", "tax_code", "active", "category"),
        lambda r: r[0],
        lambda r: {
            "id": r[0],
            "sku": r[1],
            "name": r[2],
            "price_minor": r[3],
            "tax_code": r[4],
            "active": bool(r[5]),
            "category": r[6] or None,  # the till prices category promotions by it
        },
    ),
    "barcodes": Stream(
        Barcode, ("gtin", "product"), lambda r: r[0], lambda r: {"gtin": r[0], "product_id": r[1]}
    ),
    "tax_rates": Stream(
        TaxRate,
        ("code", "name", "rate_bp"),
        lambda r: r[0],
        lambda r: {"code": r[0], "name": r[1], "rate_bp": r[2]},
    ),
    "customers": Stream(
        Customer,
        ("id", "name", "email", "phone"),
        lambda r: r[0],
        lambda r: {"id": r[0], "name": r[1], "email": r[2], "phone": r[3]},
    ),
    "stock": Stream(
        StockLevel,
        ("sku", "quantity", "low_since"),
        lambda r: r[0],
        # ``low``: at or below its reorder point (restock.check_alerts), only when it is, so
        # the rows of tills and tests that know nothing of it stay as they were.
        lambda r: {"sku": r[0], "quantity": r[1]} | ({"low": True} if r[2] else {}),
    ),
    "stores": Stream(
        StoreDirectory,
        ("other_store_id", "name"),
        lambda r: r[0],
        lambda r: {"name": r[1]},
        store_field="store_id",
    ),
    "transfers": Stream(
        StockTransfer,
        ("id", "from_store_name", "lines", "sent_at"),
        lambda r: r[0],
        lambda r: {
            "from_store": r[1],
            "lines": orjson.loads(r[2]),
            "sent_at": r[3].isoformat() if hasattr(r[3], "isoformat") else r[3],
        },
        store_field="to_store_id",
    ),
    "purchase_orders": Stream(
        PurchaseOrder,
        ("id", "number", "supplier", "expected_date", "lines"),
        lambda r: r[0],
        lambda r: {
            "number": r[1],
            "supplier": r[2],
            "expected_date": str(r[3]) if r[3] else None,
            "lines": orjson.loads(r[4]),
        },
        store_field="store_id",
    ),
    # Till users: the PIN only as its Argon2id hash, which the till verifies offline.
    "staff": Stream(
        TillStaff,
        ("id", "name", "role", "pin_hash", "active"),
        lambda r: r[0],
        lambda r: {
            "id": r[0],
            "name": r[1],
            "role": r[2],
            "pin_hash": r[3],
            "active": bool(r[4]),
        },
    ),
    "quick_keys": Stream(
        QuickKey,
        ("page", "position", "label", "sku", "department", "price_minor", "colour"),
        lambda r: key_id(r[0], r[1]),
        lambda r: {
            "page": r[0],
            "position": r[1],
            "label": r[2],
            "sku": r[3],
            "department": r[4],
            "price_minor": r[5],
            "colour": r[6],
        },
    ),
    # Promotions: the till's kinds and parameters (pos_cloud/promotions.py); times in UTC.
    "promotions": Stream(
        Promotion,
        (
            "id",
            "name",
            "kind",
            "params",
            "product_ids",
            "category",
            "starts_at",
            "ends_at",
            "active",
        ),  # fmt: skip
        lambda r: r[0],
        lambda r: {
            "name": r[1],
            "kind": r[2],
            "params": orjson.loads(r[3]),
            "product_ids": orjson.loads(r[4]),
            "category": r[5],
            "starts_at": _utc_text(r[6]),
            "ends_at": _utc_text(r[7]),
            "active": bool(r[8]),
        },
    ),
}


def _utc_text(value: object) -> str | None:
    """A stored naive-UTC time (a datetime on PostgreSQL, text on SQLite) as ISO 8601 UTC."""
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=dt.UTC).isoformat()


def parse_cursor(after: str | None) -> int:
    """Turn the client's cursor into a seq (empty or missing means from the beginning)."""
    if after in (None, ""):
        return 0
    # ASCII digits only (str.isdigit also takes '²' and other scripts' digits, which int()
    # then refused with a 500), and within BIGINT.
    if not (after.isascii() and after.isdigit() and len(after) <= 19 and int(after) < 2**63):
        raise BadInput(
            f"Cursor '{after[:40]}' is not one this server issued; "
            "send the cursor of the previous page, or none to start over."
        )
    return int(after)


def page_query(store_id: str, stream: str, after: int, limit: int) -> pw.Select:
    """The rows of a page: the stream's columns, then ``deleted`` and ``change_seq``.

    Served by the unique ``(store, change_seq)`` index: an index range scan already in order,
    so a page costs the same at the start and at the end of a million-row stream.
    """
    model = STREAMS[stream].model
    fields = [model._meta.fields[name] for name in STREAMS[stream].columns]
    store = model._meta.fields[STREAMS[stream].store_field]
    return (
        model.select(*fields, model.deleted, model.change_seq)
        .where((store == store_id) & (model.change_seq > after))
        .order_by(model.change_seq)
        .limit(limit)
    )


def read_page(
    store_id: str, stream: str, after: int, limit: int, latest: int | None = None
) -> dict:
    """One page of a stream, oldest change first.

    ``latest``: the store's counter, read *before* this call in the same request. Every seq
    up to it is committed (see the module doc), so an empty page proves this stream has no
    row up to ``latest`` either, and the cursor moves there: the next poll then finds
    ``after == latest`` and needs no page read at all while nothing changes.

    Returns:
        ``{"items": [...], "cursor": str, "has_more": bool}``; on an empty page the cursor is
        ``latest`` when given (else the one given), never past a row the reader has not seen.

    Raises:
        Conflict: the cursor is ahead of this store's history (the server was restored from
            a backup); the till must resync from an empty cursor.
    """
    spec = STREAMS[stream]
    limit = max(1, min(limit, MAX_PAGE))
    # Raw driver tuples: peewee's per-value conversion cost more than the read itself.
    rows = database_proxy.execute_sql(*page_query(store_id, stream, after, limit + 1).sql())
    rows = rows.fetchall()
    has_more = len(rows) > limit
    rows = rows[:limit]
    if latest is None and not rows:
        latest = latest_change_seq(store_id)
    if not rows and latest is not None and after > latest:
        raise Conflict(
            f"Cursor {after} is ahead of this store's changes; the server data was restored. "
            "Resync this stream from an empty cursor."
        )
    items = [
        {
            "op": "delete" if row[-2] else "upsert",
            "id": spec.item_id(row),
            "data": spec.data(row),
        }
        for row in rows
    ]
    cursor = str(rows[-1][-1]) if rows else str(max(after, latest or 0))
    return {"items": items, "cursor": cursor, "has_more": has_more}


def encode_page(page: dict) -> bytes:
    """The page as compact JSON bytes (orjson: ~5x faster than the stdlib on big pages)."""
    return orjson.dumps(page)


def has_rows_after(store_id: str, stream: str, after: int) -> bool:
    """Does the stream have rows after the cursor? (one probe of the feed index)"""
    return page_query(store_id, stream, after, 1).exists()
