"""Suppliers of a store: name, e-mail address and lead time (days from order to delivery).

A purchase order made for a supplier record remembers it (``purchase_order.supplier_id``). The
restock calculation takes each product's lead time from the supplier of the product's latest
order (:func:`lead_times`); a product never ordered from a supplier record uses the default.
"""

from __future__ import annotations

import json
import re

from .errors import BadInput, NotFound
from .models import PurchaseOrder, Supplier

MAX_LEAD_TIME_DAYS = 120
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def save(
    store_id: str, name: str, email: str, lead_time_days: str | int, supplier_id: str = ""
) -> Supplier:
    """Add a supplier to the store, or change one (``supplier_id``); BadInput saying what is
    wrong (no name, a name taken, a bad address or lead time)."""
    name, email = (name or "").strip(), (email or "").strip()
    if not name or len(name) > 200:
        raise BadInput("A supplier needs a name (at most 200 characters).")
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        raise BadInput(f"'{email}' is no e-mail address; write it like orders@example.com.")
    try:
        days = int(str(lead_time_days).strip())
    except ValueError:
        days = -1
    if not 1 <= days <= MAX_LEAD_TIME_DAYS:
        raise BadInput(
            f"The lead time is a whole number of days from 1 to {MAX_LEAD_TIME_DAYS} "
            f"(not '{lead_time_days}')."
        )
    taken = Supplier.get_or_none((Supplier.store_id == store_id) & (Supplier.name == name))
    if taken is not None and taken.id != supplier_id:
        raise BadInput(f"This store has a supplier named '{name}' already; change that one.")
    if supplier_id:
        supplier = get(store_id, supplier_id)
        supplier.name, supplier.email, supplier.lead_time_days = name, email, days
        supplier.save()
        return supplier
    return Supplier.create(store_id=store_id, name=name, email=email, lead_time_days=days)


def get(store_id: str, supplier_id: str) -> Supplier:
    supplier = Supplier.get_or_none((Supplier.id == supplier_id) & (Supplier.store_id == store_id))
    if supplier is None:
        raise NotFound("No such supplier in this store.")
    return supplier


def by_name(store_id: str, name: str) -> Supplier | None:
    return Supplier.get_or_none(
        (Supplier.store_id == store_id) & (Supplier.name == (name or "").strip())
    )


def listing(store_id: str) -> list[Supplier]:
    return list(Supplier.select().where(Supplier.store_id == store_id).order_by(Supplier.name))


def as_dict(supplier: Supplier) -> dict:
    return {
        "id": supplier.id,
        "name": supplier.name,
        "email": supplier.email,
        "lead_time_days": supplier.lead_time_days,
    }


def lead_times(store_id: str) -> dict[str, int]:
    """Per sku, the lead time of the supplier of its latest order made for a supplier record."""
    days = dict(
        Supplier.select(Supplier.id, Supplier.lead_time_days)
        .where(Supplier.store_id == store_id)
        .tuples()
    )
    if not days:
        return {}
    out: dict[str, int] = {}
    orders = (
        PurchaseOrder.select(PurchaseOrder.supplier_id, PurchaseOrder.lines)
        .where((PurchaseOrder.store_id == store_id) & PurchaseOrder.supplier_id.is_null(False))
        .order_by(PurchaseOrder.number)  # later orders override earlier ones
        .tuples()
    )
    for supplier_id, lines in orders:
        if supplier_id in days:
            for line in json.loads(lines):
                out[line["sku"]] = days[supplier_id]
    return out
