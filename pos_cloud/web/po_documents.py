"""A purchase order as the files sent to the supplier: a PDF (pos_documents) and a CSV."""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal

from pos_common import csv_export
from pos_documents.purchase_order_pdf import (
    OrderLineText,
    PurchaseOrderText,
    purchase_order_pdf_bytes,
)

from ..models import Product, Store, Supplier
from . import money

CSV_HEADER = ("po_number", "supplier", "sku", "name", "quantity", "unit_cost", "line_total",
              "currency")  # fmt: skip


def _line_total(line: dict) -> int | None:
    """Ordered quantity x unit cost in minor units (half up: a fraction of a cent is rounded)."""
    if line.get("unit_cost_minor") is None:
        return None
    exact = Decimal(line["ordered"]) * line["unit_cost_minor"]
    return int(exact.to_integral_value(rounding=ROUND_HALF_UP))


def _names(store: Store, order: dict) -> dict[str, str]:
    skus = [line["sku"] for line in order["lines"]]
    return dict(
        Product.select(Product.sku, Product.name)
        .where((Product.store == store.id) & Product.sku.in_(skus))
        .tuples()
    )


def supplier_of(store: Store, order: dict) -> Supplier | None:
    if not order.get("supplier_id"):
        return None
    return Supplier.get_or_none(
        (Supplier.id == order["supplier_id"]) & (Supplier.store_id == store.id)
    )


def order_pdf(store: Store, order: dict) -> bytes:
    names = _names(store, order)
    supplier = supplier_of(store, order)
    lines, total, costed = [], 0, False
    for line in order["lines"]:
        line_total = _line_total(line)
        if line_total is not None:
            total, costed = total + line_total, True
        cost = line.get("unit_cost_minor")
        lines.append(
            OrderLineText(
                sku=line["sku"],
                name=names.get(line["sku"], ""),
                quantity=line["ordered"],
                unit_cost="" if cost is None else money.display(cost, store.currency),
                line_total="" if line_total is None else money.display(line_total, store.currency),
            )
        )
    header = [f"Order date {order['created_at']:%Y-%m-%d}"]
    if order["expected_date"]:
        header.append(f"Delivery expected on {order['expected_date']:%Y-%m-%d}")
    header.append(f"Deliver to {store.name}")
    header.append(f"Currency {store.currency}")
    text = PurchaseOrderText(
        title=f"Purchase order {order['number']}",
        store_name=store.name,
        supplier_name=order["supplier"],
        supplier_email=supplier.email if supplier else "",
        header=header,
        lines=lines,
        total=money.display(total, store.currency) if costed else "",
        footer=[f"Please quote PO {order['number']} on the delivery note."],
    )
    return purchase_order_pdf_bytes(text)


def order_csv(store: Store, order: dict) -> str:
    names = _names(store, order)
    out = io.StringIO()
    writer = csv_export.writer(out, lineterminator="\r\n")  # no cell runs as a formula
    writer.writerow(CSV_HEADER)
    for line in order["lines"]:
        cost, line_total = line.get("unit_cost_minor"), _line_total(line)
        writer.writerow(
            (
                order["number"],
                order["supplier"],
                line["sku"],
                names.get(line["sku"], ""),
                line["ordered"],
                "" if cost is None else money.decimal_text(cost, store.currency),
                "" if line_total is None else money.decimal_text(line_total, store.currency),
                store.currency,
            )
        )
    return out.getvalue()
