"""The cart: lines, quantities and totals that always reconcile (subtotal + tax == total)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .catalog import CatalogItem
from .customer import CustomerRef
from .discounts import Adjustments, Discount, LineDiscount, PriceOverride
from .errors import N_, CurrencyMismatch, DomainError, InvalidQuantity, Phrase
from .ids import new_id
from .limits import check_line_amount, check_sale_amount, check_unit_price
from .money import Money, round_half_up
from .tax import TaxSplit, TaxSummaryRow, split_tax

MAX_QUANTITY = Decimal(9999)


def parse_quantity(value: Decimal | int | str, *, sold_by_weight: bool = False) -> Decimal:
    """Validate a quantity: positive, whole pieces unless sold by weight (3 decimals max)."""
    try:
        qty = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise InvalidQuantity(
            N_("'{value}' is not a quantity; type a number such as 2."), value=value
        ) from None
    if not qty.is_finite() or qty <= 0:
        raise InvalidQuantity(N_("Quantity {value} must be more than zero."), value=value)
    if qty > MAX_QUANTITY:
        raise InvalidQuantity(
            N_("Quantity {value} is more than {MAX_QUANTITY}; check the amount."),
            value=value,
            MAX_QUANTITY=MAX_QUANTITY,
        )
    if sold_by_weight:
        if qty != qty.quantize(Decimal("0.001")):
            raise InvalidQuantity(
                N_("Weight {value} has more than 3 decimals (grams)."), value=value
            )
    elif qty != qty.to_integral_value():
        raise InvalidQuantity(N_("Quantity {value} must be a whole number of pieces."), value=value)
    return qty


@dataclass(slots=True)
class CartLine:
    """One line of the cart. ``amount_minor`` is the price of the whole line as priced."""

    item: CatalogItem
    quantity: Decimal
    line_id: str = field(default_factory=new_id)

    @property
    def amount_minor(self) -> int:
        return round_half_up(Fraction(self.item.unit_price_minor) * Fraction(self.quantity))

    def tax_split(self, prices_include_tax: bool) -> TaxSplit:
        return split_tax(
            self.amount_minor, self.item.tax_rate, prices_include_tax=prices_include_tax
        )


@dataclass(frozen=True, slots=True)
class CartTotals:
    """Document totals. ``subtotal`` is net of tax so that subtotal + tax == total."""

    subtotal: Money
    tax: Money
    total: Money
    tax_summary: tuple[TaxSummaryRow, ...]
    item_count: Decimal


class Cart:
    """The sale being rung up. Not thread-safe: the checkout service owns it."""

    def __init__(self, currency: str, *, prices_include_tax: bool) -> None:
        self.currency = currency
        self.prices_include_tax = prices_include_tax
        self._lines: list[CartLine] = []
        self.customer: CustomerRef | None = None  # who is buying, when the cashier attached them
        # The cashier's manual changes, by line id; the pricing engine applies them.
        self.overrides: dict[str, PriceOverride] = {}
        self.line_discounts: dict[str, Discount] = {}
        self.order_discount: Discount | None = None

    @property
    def lines(self) -> tuple[CartLine, ...]:
        return tuple(self._lines)

    @property
    def is_empty(self) -> bool:
        return not self._lines

    def add(self, item: CatalogItem, quantity: Decimal | int | str = 1) -> CartLine:
        """Add an item; scanning a piece item again adds to its line when it is the last one."""
        if item.currency != self.currency:
            raise CurrencyMismatch(
                N_("{name} is priced in {currency}, this till sells in {till_currency}."),
                name=item.name,
                currency=item.currency,
                till_currency=self.currency,
            )
        qty = parse_quantity(quantity, sold_by_weight=item.sold_by_weight)
        check_unit_price(item.unit_price_minor, Phrase(N_("The price of {name}"), name=item.name))
        last = self._lines[-1] if self._lines else None
        if last is not None and last.item == item and not item.sold_by_weight:
            merged = parse_quantity(last.quantity + qty)
            self._check_bounds(CartLine(item=item, quantity=merged), replacing=last)
            last.quantity = merged
            return last
        line = CartLine(item=item, quantity=qty)
        self._check_bounds(line)
        self._lines.append(line)
        return line

    def _check_bounds(self, line: CartLine, replacing: CartLine | None = None) -> None:
        """A line and the sale stay within :mod:`pos_desktop.domain.limits`."""
        check_line_amount(line.amount_minor, Phrase(N_("The line {name}"), name=line.item.name))
        others = sum(ln.amount_minor for ln in self._lines if ln is not replacing)
        check_sale_amount(others + line.amount_minor)

    def restore_line(self, item: CatalogItem, quantity: Decimal, line_id: str) -> CartLine:
        """Append a line exactly as saved (never merged with the line before it)."""
        if item.currency != self.currency:
            raise CurrencyMismatch(
                N_("{name} is priced in {currency}."), name=item.name, currency=item.currency
            )
        check_unit_price(item.unit_price_minor, Phrase(N_("The price of {name}"), name=item.name))
        line = CartLine(item=item, quantity=Decimal(quantity), line_id=line_id)
        self._check_bounds(line)
        self._lines.append(line)
        return line

    def add_priced(self, item: CatalogItem, price_minor: int) -> CartLine:
        """Add one piece at a label's price (a variable-measure price label): the label's price
        is the line's price, whatever the catalogue says per piece or per kg."""
        if price_minor < 0:
            raise DomainError(N_("A label price cannot be negative: scan the label again."))
        check_unit_price(price_minor, Phrase(N_("The label's price")))
        priced = replace(item, unit_price_minor=price_minor, sold_by_weight=False)
        line = CartLine(item=priced, quantity=Decimal(1))
        self._check_bounds(line)
        self._lines.append(line)
        return line

    def adjustments(self, max_percent_without_approval: Decimal = Decimal(10)) -> Adjustments:
        """The cashier's changes as the pricing engine takes them (lines in cart order)."""
        order = {line.line_id: i for i, line in enumerate(self._lines)}
        return Adjustments(
            overrides=tuple(sorted(self.overrides.values(), key=lambda o: order[o.line_id])),
            line_discounts=tuple(
                LineDiscount(line_id, d)
                for line_id, d in sorted(self.line_discounts.items(), key=lambda kv: order[kv[0]])
            ),
            order_discount=self.order_discount,
            max_percent_without_approval=max_percent_without_approval,
        )

    def line(self, line_id: str) -> CartLine:
        for line in self._lines:
            if line.line_id == line_id:
                return line
        raise DomainError(N_("That line is no longer in the cart."))

    def remove(self, line_id: str) -> CartLine:
        line = self.line(line_id)
        self._lines.remove(line)
        self.overrides.pop(line_id, None)
        self.line_discounts.pop(line_id, None)
        if not self._lines:
            self.order_discount = None
        return line

    def set_quantity(self, line_id: str, quantity: Decimal | int | str) -> CartLine:
        line = self.line(line_id)
        qty = parse_quantity(quantity, sold_by_weight=line.item.sold_by_weight)
        self._check_bounds(CartLine(item=line.item, quantity=qty), replacing=line)
        line.quantity = qty
        return line

    def clear(self) -> None:
        self._lines.clear()
        self.overrides.clear()
        self.line_discounts.clear()
        self.order_discount = None

    def totals(self) -> CartTotals:
        return compute_totals(self._lines, self.currency, self.prices_include_tax)


def compute_totals(
    lines: Iterable[CartLine], currency: str, prices_include_tax: bool
) -> CartTotals:
    """Sum lines per tax rate; every figure is a sum of per-line rounded amounts."""
    by_rate: dict[str, list[int]] = {}
    rates = {}
    count = Decimal(0)
    for line in lines:
        split = line.tax_split(prices_include_tax)
        rate = line.item.tax_rate
        acc = by_rate.setdefault(rate.code, [0, 0, 0])
        acc[0] += split.net
        acc[1] += split.tax
        acc[2] += split.gross
        rates[rate.code] = rate
        count += 1 if line.item.sold_by_weight else line.quantity
    summary = tuple(
        TaxSummaryRow(code, rates[code].name, rates[code].percent, *by_rate[code])
        for code in sorted(by_rate)
    )
    net = sum(row.net for row in summary)
    tax = sum(row.tax for row in summary)
    return CartTotals(
        subtotal=Money(net, currency),
        tax=Money(tax, currency),
        total=Money(net + tax, currency),
        tax_summary=summary,
        item_count=count,
    )
