"""A completed sale: the immutable record the till stores, prints and replicates."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from .cart import Cart
from .errors import PaymentError
from .ids import new_id
from .payment import Payment
from .tax import TaxSummaryRow


@dataclass(frozen=True, slots=True)
class SaleLine:
    line_id: str
    product_id: str
    sku: str
    gtin: str | None
    name: str
    quantity: Decimal
    unit_price_minor: int
    amount_minor: int
    net_minor: int
    tax_minor: int
    tax_code: str
    tax_percent: Decimal
    sold_by_weight: bool = False


@dataclass(frozen=True, slots=True)
class Sale:
    """A paid sale. ``receipt_number`` is assigned when it is stored (gap-free per terminal)."""

    sale_id: str
    terminal_id: str
    currency: str
    prices_include_tax: bool
    lines: tuple[SaleLine, ...]
    payments: tuple[Payment, ...]
    subtotal_minor: int
    tax_minor: int
    total_minor: int
    tax_summary: tuple[TaxSummaryRow, ...]
    completed_at: datetime
    cashier: str | None = None
    shift_id: str | None = None
    receipt_number: int | None = None

    @property
    def change_minor(self) -> int:
        return sum(p.change.amount_minor for p in self.payments)

    @property
    def tendered_minor(self) -> int:
        return sum(p.tendered.amount_minor for p in self.payments)

    def numbered(self, receipt_number: int) -> Sale:
        return replace(self, receipt_number=receipt_number)


def sale_from_cart(
    cart: Cart,
    payments: tuple[Payment, ...],
    *,
    terminal_id: str,
    completed_at: datetime,
    cashier: str | None = None,
    shift_id: str | None = None,
) -> Sale:
    """Freeze the cart into a sale, checking that the payments cover the total exactly.

    Raises:
        PaymentError: when the cart is empty or the payments do not add up to the total.
    """
    if cart.is_empty:
        raise PaymentError("The cart is empty: scan an item first.")
    if completed_at.tzinfo is None:
        raise ValueError("completed_at must be timezone-aware (UTC)")
    totals = cart.totals()
    paid = sum(p.amount.amount_minor for p in payments)
    if paid != totals.total.amount_minor:
        raise PaymentError(
            f"Payments add up to {paid} but the total is {totals.total.amount_minor} "
            f"({cart.currency} minor units)."
        )
    lines = []
    for line in cart.lines:
        split = line.tax_split(cart.prices_include_tax)
        item = line.item
        lines.append(
            SaleLine(
                line_id=line.line_id,
                product_id=item.product_id,
                sku=item.sku,
                gtin=item.gtin,
                name=item.name,
                quantity=line.quantity,
                unit_price_minor=item.unit_price_minor,
                amount_minor=line.amount_minor,
                net_minor=split.net,
                tax_minor=split.tax,
                tax_code=item.tax_rate.code,
                tax_percent=item.tax_rate.percent,
                sold_by_weight=item.sold_by_weight,
            )
        )
    return Sale(
        sale_id=new_id(),
        terminal_id=terminal_id,
        currency=cart.currency,
        prices_include_tax=cart.prices_include_tax,
        lines=tuple(lines),
        payments=payments,
        subtotal_minor=totals.subtotal.amount_minor,
        tax_minor=totals.tax.amount_minor,
        total_minor=totals.total.amount_minor,
        tax_summary=totals.tax_summary,
        completed_at=completed_at,
        cashier=cashier,
        shift_id=shift_id,
    )
