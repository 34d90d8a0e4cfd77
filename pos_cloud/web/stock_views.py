"""What the stock pages show: levels with reorder points, a product's movements with the till
and person behind each, transfers with store names. Reads only; the ledger and orders are
written by stock_ledger.py, transfers.py and purchase_orders.py."""

from __future__ import annotations

import json

from .. import restock, stock_ledger, transfers
from ..models import Event, Product, Store, Terminal

# Where a till's event body names the person (sales: cashier; counts, receipts: user).
_WHO_KEYS = ("cashier", "user", "counted_by", "received_by", "sent_by", "approved_by")


def stock_rows(store_id: str, q: str = "") -> list[dict]:
    """Every product with a level or recent sales: on hand, reorder point, on order, low;
    filtered by ``q`` in the sku or name (case-insensitive), by sku."""
    rows = restock.suggestions(store_id)
    needle = q.strip().lower()
    if needle:
        rows = [
            r for r in rows if needle in r["sku"].lower() or needle in (r["name"] or "").lower()
        ]
    return sorted(rows, key=lambda r: r["sku"])


def low_rows(store_id: str) -> list[dict]:
    """The low-stock list (at or below the reorder point), lowest first."""
    return [r for r in restock.suggestions(store_id) if r["low"]]


def product_name(store_id: str, sku: str) -> str | None:
    return (
        Product.select(Product.name)
        .where((Product.store == store_id) & (Product.sku == sku))
        .scalar()
    )


def movement_rows(store_id: str, sku: str, limit: int = 200) -> list[dict]:
    """The product's ledger rows, newest first, with the till and person of each event."""
    rows = stock_ledger.movements(store_id, sku, limit)
    event_ids = {r["event_id"] for r in rows if r["event_id"]}
    origin: dict[str, tuple[str, str | None]] = {}
    if event_ids:
        query = (
            Event.select(Event.event_id, Terminal.name, Event.body)
            .join(Terminal, on=(Event.terminal == Terminal.id))
            .where(Event.event_id.in_(list(event_ids)))
            .tuples()
        )
        for event_id, terminal, body in query:
            origin[event_id] = (terminal, _who(body))
    for r in rows:
        r["terminal"], r["who"] = origin.get(r["event_id"] or "", (None, None))
    return rows


def _who(body: str) -> str | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    payload = data.get("payload", data) if isinstance(data, dict) else None
    if not isinstance(payload, dict):
        return None
    for key in _WHO_KEYS:
        value = payload.get(key)
        if isinstance(value, str) and value:
            return value[:100]
    return None


def transfer_rows(store_id: str) -> list[dict]:
    """Transfers from or to the store, newest first, with the other store's name."""
    rows = transfers.listing(store_id)
    ids = {r["from_store_id"] for r in rows} | {r["to_store_id"] for r in rows}
    ids.discard(None)
    names = dict(Store.select(Store.id, Store.name).where(Store.id.in_(list(ids))).tuples())
    for r in rows:
        other = r["to_store_id"] if r["direction"] == "out" else r["from_store_id"]
        r["other_store"] = names.get(other or "", other or "unknown (not reported yet)")
    return rows
