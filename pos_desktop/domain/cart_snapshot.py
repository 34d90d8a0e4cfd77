"""A cart as plain data, so a sale whose card payment outcome is unknown survives a restart."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .cart import Cart
from .catalog import CatalogItem
from .tax import TaxRate


def cart_to_snapshot(cart: Cart) -> dict[str, Any]:
    return {
        "currency": cart.currency,
        "prices_include_tax": cart.prices_include_tax,
        "lines": [
            {
                "line_id": ln.line_id,
                "product_id": ln.item.product_id,
                "sku": ln.item.sku,
                "name": ln.item.name,
                "unit_price_minor": ln.item.unit_price_minor,
                "gtin": ln.item.gtin,
                "sold_by_weight": ln.item.sold_by_weight,
                "tax_code": ln.item.tax_rate.code,
                "tax_name": ln.item.tax_rate.name,
                "tax_percent": str(ln.item.tax_rate.percent),
                "quantity": str(ln.quantity),
            }
            for ln in cart.lines
        ],
    }


def cart_from_snapshot(data: dict[str, Any]) -> Cart:
    """Rebuild the cart exactly as it was priced (not re-priced from today's catalogue)."""
    cart = Cart(data["currency"], prices_include_tax=data["prices_include_tax"])
    for ln in data["lines"]:
        item = CatalogItem(
            product_id=ln["product_id"],
            sku=ln["sku"],
            name=ln["name"],
            unit_price_minor=int(ln["unit_price_minor"]),
            currency=data["currency"],
            tax_rate=TaxRate(ln["tax_code"], ln["tax_name"], Decimal(ln["tax_percent"])),
            gtin=ln.get("gtin"),
            sold_by_weight=bool(ln["sold_by_weight"]),
        )
        line = cart.add(item, Decimal(ln["quantity"]))
        line.line_id = ln["line_id"]
    return cart
