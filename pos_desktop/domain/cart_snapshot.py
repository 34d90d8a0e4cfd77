"""A cart (and the way it was priced) as plain data, so a parked sale or a sale whose card payment
outcome is unknown survives a restart exactly as it was."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .cart import Cart
from .catalog import CatalogItem
from .customer import CustomerRef
from .discounts import Discount, PriceOverride
from .pricing import AppliedPromotion, PricedCart, PricedLine
from .tax import TaxRate, TaxSplit, TaxSummaryRow


def cart_to_snapshot(cart: Cart) -> dict[str, Any]:
    """The cart's lines and the cashier's adjustments as JSON-ready data."""
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
        "overrides": [
            {"line_id": o.line_id, "unit_price_minor": o.unit_price_minor, "reason": o.reason}
            for o in cart.overrides.values()
        ],
        "line_discounts": [
            {"line_id": line_id, **_discount_data(d)} for line_id, d in cart.line_discounts.items()
        ],
        "order_discount": _discount_data(cart.order_discount) if cart.order_discount else None,
        "customer": None
        if cart.customer is None
        else {"customer_id": cart.customer.customer_id, "name": cart.customer.name},
    }


def _discount_data(d: Discount) -> dict[str, Any]:
    return {
        "percent": None if d.percent is None else str(d.percent),
        "amount_minor": d.amount_minor,
        "reason": d.reason,
    }


def _discount(data: dict[str, Any]) -> Discount:
    percent = data.get("percent")
    return Discount(
        percent=None if percent is None else Decimal(percent),
        amount_minor=data.get("amount_minor"),
        reason=data.get("reason", ""),
    )


def cart_from_snapshot(data: dict[str, Any]) -> Cart:
    """Rebuild the cart exactly as it was priced (not re-priced from today's catalogue)."""
    cart = Cart(data["currency"], prices_include_tax=data["prices_include_tax"])
    if data.get("customer"):
        cart.customer = CustomerRef(data["customer"]["customer_id"], data["customer"]["name"])
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
        cart.restore_line(item, Decimal(ln["quantity"]), ln["line_id"])
    for o in data.get("overrides", ()):
        cart.overrides[o["line_id"]] = PriceOverride(
            o["line_id"], o["unit_price_minor"], o["reason"]
        )
    for d in data.get("line_discounts", ()):
        cart.line_discounts[d["line_id"]] = _discount(d)
    if data.get("order_discount"):
        cart.order_discount = _discount(data["order_discount"])
    return cart


def priced_to_snapshot(priced: PricedCart) -> dict[str, Any]:
    """A priced cart as data: a card payment approved for this total completes with it."""
    return {
        "currency": priced.currency,
        "prices_include_tax": priced.prices_include_tax,
        "lines": [
            {
                "line_id": ln.line_id,
                "product_id": ln.product_id,
                "quantity": str(ln.quantity),
                "unit_price_minor": ln.unit_price_minor,
                "list_minor": ln.list_minor,
                "regular_minor": ln.regular_minor,
                "promotion_savings_minor": ln.promotion_savings_minor,
                "line_discount_minor": ln.line_discount_minor,
                "order_discount_minor": ln.order_discount_minor,
                "amount_minor": ln.amount_minor,
                "tax_rate": [ln.tax_rate.code, ln.tax_rate.name, str(ln.tax_rate.percent)],
                "tax": [ln.tax.net, ln.tax.tax, ln.tax.gross],
                "applied": [list(a) for a in ln.applied],
                "override_reason": ln.override_reason,
            }
            for ln in priced.lines
        ],
        "regular_minor": priced.regular_minor,
        "savings_minor": priced.savings_minor,
        "net_minor": priced.net_minor,
        "tax_minor": priced.tax_minor,
        "total_minor": priced.total_minor,
        "tax_summary": [
            [r.code, r.name, str(r.percent), r.net, r.tax, r.gross] for r in priced.tax_summary
        ],
        "promotions": [list(a) for a in priced.promotions],
    }


def priced_from_snapshot(data: dict[str, Any]) -> PricedCart:
    """The inverse of :func:`priced_to_snapshot`."""
    lines = []
    for ln in data["lines"]:
        code, name, percent = ln["tax_rate"]
        lines.append(
            PricedLine(
                line_id=ln["line_id"],
                product_id=ln["product_id"],
                quantity=Decimal(ln["quantity"]),
                unit_price_minor=ln["unit_price_minor"],
                list_minor=ln["list_minor"],
                regular_minor=ln["regular_minor"],
                promotion_savings_minor=ln["promotion_savings_minor"],
                line_discount_minor=ln["line_discount_minor"],
                order_discount_minor=ln["order_discount_minor"],
                amount_minor=ln["amount_minor"],
                tax_rate=TaxRate(code, name, Decimal(percent)),
                tax=TaxSplit(*ln["tax"]),
                applied=tuple(AppliedPromotion(*a) for a in ln["applied"]),
                override_reason=ln["override_reason"],
            )
        )
    return PricedCart(
        currency=data["currency"],
        prices_include_tax=data["prices_include_tax"],
        lines=tuple(lines),
        regular_minor=data["regular_minor"],
        savings_minor=data["savings_minor"],
        net_minor=data["net_minor"],
        tax_minor=data["tax_minor"],
        total_minor=data["total_minor"],
        tax_summary=tuple(
            TaxSummaryRow(c, n, Decimal(p), net, tax, gross)
            for c, n, p, net, tax, gross in data["tax_summary"]
        ),
        promotions=tuple(AppliedPromotion(*a) for a in data["promotions"]),
    )
