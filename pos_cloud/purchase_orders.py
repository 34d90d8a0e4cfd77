"""Purchase orders: goods ordered from a supplier for one store, received at its tills.

An order is created from the admin API, ``pos-cloud purchase-order create`` or the back office,
and is numbered per store (PO 1, 2, ...). Open orders are fed to the store's tills (the
``purchase_orders`` stream); a goods receipt posted against an order (``goods.received`` with
``purchase_order_id``) adds what arrived to each line. A line is closed when what was received
reaches what was ordered; the order is *received* (and leaves the tills' list) when every line
is, so a delivery in parts closes the order with its last part. ``close`` gives up on what is
still outstanding. The stock itself moves with the receipt (``receipt`` movements), whatever the
order says.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .db import database_proxy
from .errors import BadInput, NotFound
from .feeds import next_change_seqs
from .models import Product, PurchaseOrder, Supplier, new_id, utcnow

OPEN, RECEIVED, CLOSED = "open", "received", "closed"
MAX_LINES = 1000


@dataclass(frozen=True, slots=True)
class OrderLine:
    sku: str
    quantity: Decimal
    unit_cost_minor: int | None = None


def parse_quantity(text: object, where: str) -> Decimal:
    """A positive decimal quantity (up to 6 decimals) or BadInput naming ``where``."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise BadInput(f"{where}: '{text}' is not a quantity; write 12 or 1.5.") from None
    if not value.is_finite() or value <= 0 or value > 10**9 or value.as_tuple().exponent < -6:
        raise BadInput(f"{where}: the quantity must be above 0, at most 10^9, 6 decimals.")
    return value


def create(
    store_id: str, supplier: str, expected_date: dt.date | None, lines: list[OrderLine]
) -> dict:
    """Create an open order; every sku must be a product of the store, each once.

    Raises:
        BadInput: no supplier, no lines, a sku twice or unknown, a bad quantity or cost.
        NotFound: no such store.
    """
    supplier = (supplier or "").strip()
    if not supplier or len(supplier) > 200:
        raise BadInput("A purchase order needs a supplier name (at most 200 characters).")
    if not lines or len(lines) > MAX_LINES:
        raise BadInput(f"A purchase order needs 1 to {MAX_LINES} lines (sku and quantity).")
    skus = [line.sku for line in lines]
    if len(set(skus)) != len(skus):
        raise BadInput("Each sku may appear once on an order; add the quantities up.")
    for line in lines:
        if line.unit_cost_minor is not None and not 0 <= line.unit_cost_minor <= 10**15:
            raise BadInput(f"{line.sku}: the unit cost must be 0 or more (minor units).")
    with database_proxy.atomic():
        seq = next_change_seqs(store_id)  # the store's lock: numbers are handed out in order
        known = {
            s
            for (s,) in Product.select(Product.sku)
            .where((Product.store == store_id) & (Product.sku.in_(skus)))
            .tuples()
        }
        missing = [s for s in skus if s not in known]
        if missing:
            raise BadInput(f"No product with sku {', '.join(missing[:5])} in this store.")
        number = (
            PurchaseOrder.select(PurchaseOrder.number)
            .where(PurchaseOrder.store_id == store_id)
            .order_by(PurchaseOrder.number.desc())
            .limit(1)
            .scalar()
            or 0
        ) + 1
        record = Supplier.get_or_none(
            (Supplier.store_id == store_id) & (Supplier.name == supplier)
        )  # a supplier record of that name: its lead time applies to these products
        order = PurchaseOrder.create(
            id=new_id(),
            store_id=store_id,
            number=number,
            supplier=supplier,
            supplier_id=record.id if record else None,
            expected_date=expected_date,
            status=OPEN,
            lines=json.dumps(
                [
                    {
                        "sku": line.sku,
                        "ordered": str(line.quantity),
                        "received": "0",
                        "unit_cost_minor": line.unit_cost_minor,
                    }
                    for line in lines
                ]
            ),
            change_seq=seq,
        )
    return as_dict(order)


def as_dict(order: PurchaseOrder) -> dict:
    lines = json.loads(order.lines)
    for line in lines:
        left = Decimal(line["ordered"]) - Decimal(line["received"])
        line["outstanding"] = str(max(left, Decimal(0)))
        line["closed"] = left <= 0
    return {
        "id": order.id,
        "number": order.number,
        "supplier": order.supplier,
        "supplier_id": order.supplier_id,
        "expected_date": order.expected_date,
        "status": order.status,
        "created_at": order.created_at,
        "closed_at": order.closed_at,
        "lines": lines,
    }


def get(store_id: str, order_id: str) -> PurchaseOrder:
    order = PurchaseOrder.get_or_none(
        (PurchaseOrder.id == order_id) & (PurchaseOrder.store_id == store_id)
    )
    if order is None:
        raise NotFound(f"No purchase order {order_id} in this store.")
    return order


def listing(store_id: str, status: str | None = None) -> list[dict]:
    """The store's orders, newest first (``status``: open, received or closed)."""
    query = PurchaseOrder.select().where(PurchaseOrder.store_id == store_id)
    if status:
        query = query.where(PurchaseOrder.status == status)
    return [as_dict(o) for o in query.order_by(PurchaseOrder.number.desc()).limit(1000)]


def close(store_id: str, order_id: str) -> dict:
    """Give up on what is outstanding: the order leaves the tills' list."""
    with database_proxy.atomic():
        seq = next_change_seqs(store_id)
        order = get(store_id, order_id)
        if order.status == OPEN:
            order.status, order.closed_at = CLOSED, utcnow()
            order.deleted, order.change_seq = True, seq
            order.save()
    return as_dict(order)


def apply_receipt(store_id: str, order_id: str, received: dict[str, Decimal]) -> None:
    """Add a receipt's quantities to an open order of the store (inside the ingest's
    transaction, which holds the store's lock). An unknown or finished order is left alone:
    the goods arrived all the same and their stock moves with the receipt."""
    order = PurchaseOrder.get_or_none(
        (PurchaseOrder.id == order_id) & (PurchaseOrder.store_id == store_id)
    )
    if order is None or order.status != OPEN:
        return
    lines = json.loads(order.lines)
    for line in lines:
        if line["sku"] in received:
            line["received"] = str(Decimal(line["received"]) + received[line["sku"]])
    order.lines = json.dumps(lines)
    if all(Decimal(ln["received"]) >= Decimal(ln["ordered"]) for ln in lines):
        order.status, order.closed_at, order.deleted = RECEIVED, utcnow(), True
    order.change_seq = next_change_seqs(store_id)
    order.save()
