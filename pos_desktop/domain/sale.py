"""A completed sale: the immutable record the till stores, prints and replicates."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from .cart import Cart, CartLine
from .errors import N_, PaymentError
from .ids import new_id
from .payment import Payment
from .pricing import AppliedPromotion, PricedCart, PricedLine, price_cart_for
from .tax import TaxSummaryRow


@dataclass(frozen=True, slots=True)
class SaleLine:
    """One sold line. ``amount_minor`` is what the customer paid for it (gross when prices
    include tax, net otherwise) after promotions and discounts; ``regular_minor`` is before
    them, so ``regular_minor - savings_minor == amount_minor``."""

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
    regular_minor: int | None = None
    promotion_minor: int = 0
    line_discount_minor: int = 0
    order_discount_minor: int = 0
    promotions: tuple[AppliedPromotion, ...] = ()
    override_reason: str | None = None

    @property
    def discount_minor(self) -> int:
        """Line plus order discount on this line."""
        return self.line_discount_minor + self.order_discount_minor

    @property
    def savings_minor(self) -> int:
        return self.promotion_minor + self.discount_minor


@dataclass(frozen=True, slots=True)
class Sale:
    """A paid sale. ``receipt_number`` is assigned when it is stored (gap-free per terminal).

    ``rounding_minor`` is the cash rounding (e.g. to 0.05): payments add up to
    ``total_minor + rounding_minor``.
    """

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
    rounding_minor: int = 0
    savings_minor: int = 0
    customer_id: str | None = None
    receipt_token: str | None = None  # the digital receipt's link (made when stored)

    @property
    def change_minor(self) -> int:
        return sum(p.change.amount_minor for p in self.payments)

    @property
    def tendered_minor(self) -> int:
        return sum(p.tendered.amount_minor for p in self.payments)

    @property
    def paid_minor(self) -> int:
        return sum(p.amount.amount_minor for p in self.payments)

    def numbered(self, receipt_number: int, receipt_token: str | None = None) -> Sale:
        """The stored sale: its receipt number and the token of its digital receipt."""
        return replace(
            self, receipt_number=receipt_number, receipt_token=self.receipt_token or receipt_token
        )


def sale_from_cart(
    cart: Cart,
    payments: tuple[Payment, ...],
    *,
    terminal_id: str,
    completed_at: datetime,
    cashier: str | None = None,
    shift_id: str | None = None,
    priced: PricedCart | None = None,
    rounding_minor: int = 0,
) -> Sale:
    """Freeze the cart into a sale, checking that payments == total + cash rounding exactly.

    Args:
        priced: the cart as the checkout priced it (promotions, discounts); default: the cart
            with its own adjustments and no promotions.
        rounding_minor: the cash rounding taken (negative when the customer paid less).

    Raises:
        PaymentError: when the cart is empty, the priced cart is not this cart's, or the
            payments do not add up.
    """
    if cart.is_empty:
        raise PaymentError(N_("The cart is empty: scan an item first."))
    if completed_at.tzinfo is None:
        raise ValueError("completed_at must be timezone-aware (UTC)")
    if priced is None:
        priced = price_cart_for(cart, (), completed_at, cart.adjustments(Decimal(100)))
    if [p.line_id for p in priced.lines] != [ln.line_id for ln in cart.lines]:
        raise PaymentError(N_("The cart changed after it was priced: price it again and retry."))
    paid = sum(p.amount.amount_minor for p in payments)
    due = priced.total_minor + rounding_minor
    if paid != due:
        raise PaymentError(
            N_(
                "Payments add up to {paid} but the total is {total} with rounding {rounding} "
                "({currency} minor units)."
            )
            if rounding_minor
            else N_("Payments add up to {paid} but the total is {total} ({currency} minor units)."),
            paid=paid,
            total=priced.total_minor,
            rounding=rounding_minor,
            currency=cart.currency,
        )
    lines = tuple(_sale_line(line, p) for line, p in zip(cart.lines, priced.lines, strict=True))
    return Sale(
        sale_id=new_id(),
        terminal_id=terminal_id,
        currency=cart.currency,
        prices_include_tax=cart.prices_include_tax,
        lines=lines,
        payments=payments,
        subtotal_minor=priced.net_minor,
        tax_minor=priced.tax_minor,
        total_minor=priced.total_minor,
        tax_summary=priced.tax_summary,
        completed_at=completed_at,
        cashier=cashier,
        shift_id=shift_id,
        rounding_minor=rounding_minor,
        savings_minor=priced.savings_minor,
        customer_id=cart.customer.customer_id if cart.customer is not None else None,
    )


def _sale_line(line: CartLine, p: PricedLine) -> SaleLine:
    item = line.item
    return SaleLine(
        line_id=line.line_id,
        product_id=item.product_id,
        sku=item.sku,
        gtin=item.gtin,
        name=item.name,
        quantity=line.quantity,
        unit_price_minor=p.unit_price_minor,
        amount_minor=p.amount_minor,
        net_minor=p.tax.net,
        tax_minor=p.tax.tax,
        tax_code=p.tax_rate.code,
        tax_percent=p.tax_rate.percent,
        sold_by_weight=item.sold_by_weight,
        regular_minor=p.regular_minor,
        promotion_minor=p.promotion_savings_minor,
        line_discount_minor=p.line_discount_minor,
        order_discount_minor=p.order_discount_minor,
        promotions=p.applied,
        override_reason=p.override_reason,
    )
