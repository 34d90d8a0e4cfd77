"""Price a cart: promotions, manual discounts, per-line tax. Pure and deterministic.

``price_cart(lines, promotions, now)`` never changes its inputs; the same inputs always give the
same :class:`PricedCart`. Order of work (docs/PRICING.md has the rules and worked cases):

1. catalogue price x quantity, or the overridden unit price x quantity;
2. active promotions by priority (high first, then id); an exclusive promotion only takes lines
   no other promotion has reduced, and a line it reduces takes no further promotion;
3. line discounts, then the order discount shared over lines by amount;
4. tax split per line on its final amount; the summary is the sum of the lines.

Cost is linear in lines plus the lines each promotion is offered on (products are indexed once).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from .cart import Cart, CartLine
from .discounts import (
    NO_ADJUSTMENTS,
    Adjustments,
    ApprovalNeed,
    approval_for_discount,
    approval_for_override,
    share_order_discount,
)
from .errors import N_, DomainError
from .money import Money, round_half_up
from .promotions import PromoLine, Promotion, iter_active
from .tax import TaxRate, TaxSplit, TaxSummaryRow


class AppliedPromotion(NamedTuple):
    """A promotion and what it saved (on one line, or on the whole cart in a summary)."""

    promotion_id: str
    name: str
    savings_minor: int


@dataclass(frozen=True, slots=True)
class PricedLine:
    """One line as priced. ``amount_minor`` is what the customer pays for it (gross when prices
    include tax, net otherwise); ``list_minor - overrides - savings == amount_minor``."""

    line_id: str
    product_id: str
    quantity: Decimal
    unit_price_minor: int
    list_minor: int
    regular_minor: int
    promotion_savings_minor: int
    line_discount_minor: int
    order_discount_minor: int
    amount_minor: int
    tax_rate: TaxRate
    tax: TaxSplit
    applied: tuple[AppliedPromotion, ...] = ()
    override_reason: str | None = None

    @property
    def savings_minor(self) -> int:
        """Promotions plus discounts on this line (a price override is not a saving)."""
        return self.promotion_savings_minor + self.line_discount_minor + self.order_discount_minor


@dataclass(frozen=True, slots=True)
class PricedCart:
    """The priced document: lines, totals, tax summary, promotions, approvals needed."""

    currency: str
    prices_include_tax: bool
    lines: tuple[PricedLine, ...]
    regular_minor: int
    savings_minor: int
    net_minor: int
    tax_minor: int
    total_minor: int
    tax_summary: tuple[TaxSummaryRow, ...]
    promotions: tuple[AppliedPromotion, ...] = ()
    approvals: tuple[ApprovalNeed, ...] = ()

    @property
    def total(self) -> Money:
        return Money(self.total_minor, self.currency)

    @property
    def needs_approval(self) -> bool:
        return bool(self.approvals)

    def line(self, line_id: str) -> PricedLine:
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise DomainError(N_("That line is no longer in the cart."))


@dataclass(slots=True)
class _Work:
    """Mutable per-line state while pricing; never leaves this module."""

    source: CartLine
    index: int
    list_minor: int
    regular: int
    current: int
    unit_price_minor: int
    pieces: int
    promotable: bool
    override_reason: str | None = None
    touched: bool = False
    locked: bool = False
    applied: list[AppliedPromotion] = field(default_factory=list)
    line_discount: int = 0
    order_discount: int = 0


def price_cart(
    lines: Sequence[CartLine],
    promotions: Sequence[Promotion],
    now: datetime,
    *,
    prices_include_tax: bool = True,
    currency: str | None = None,
    adjustments: Adjustments = NO_ADJUSTMENTS,
) -> PricedCart:
    """Price cart lines with the active promotions and the cashier's adjustments.

    Args:
        lines: the cart's lines (not modified).
        promotions: all promotions the till knows, ids unique; inactive ones at ``now`` are
            skipped.
        now: the time to price at (the store's local time for daily promotion hours).
        prices_include_tax: the store's setting; amounts are gross when True.
        currency: the till's currency; defaults to the first line's (required when empty).
        adjustments: price overrides, line discounts, order discount, approval threshold.

    Raises:
        DomainError: if an adjustment names a line not in the cart or a fixed discount is more
            than what it reduces.
    """
    cur = currency or (lines[0].item.currency if lines else "")
    work = _start(lines, adjustments)
    _apply_promotions(work, promotions, now)
    approvals = _apply_discounts(work, adjustments)
    return _finish(work, cur, prices_include_tax, approvals)


def price_cart_for(
    cart: Cart,
    promotions: Sequence[Promotion],
    now: datetime,
    adjustments: Adjustments = NO_ADJUSTMENTS,
) -> PricedCart:
    """:func:`price_cart` with the cart's own currency and tax setting."""
    return price_cart(
        cart.lines,
        promotions,
        now,
        prices_include_tax=cart.prices_include_tax,
        currency=cart.currency,
        adjustments=adjustments,
    )


def _start(lines: Sequence[CartLine], adjustments: Adjustments) -> list[_Work]:
    overrides = adjustments.overrides_by_line()
    known = {line.line_id for line in lines}
    for line_id in [*overrides, *(d.line_id for d in adjustments.line_discounts)]:
        if line_id not in known:
            raise DomainError(N_("A discount or price change names a line no longer in the cart."))
    work = []
    for index, line in enumerate(lines):
        item = line.item
        quantity = line.quantity
        whole = int(quantity)
        pieces = 0 if item.sold_by_weight or quantity != whole else whole
        list_minor = line_amount(item.unit_price_minor, quantity, pieces)
        override = overrides.get(line.line_id)
        unit, regular = item.unit_price_minor, list_minor
        if override is not None:
            unit = override.unit_price_minor
            regular = line_amount(unit, quantity, pieces)
        work.append(
            _Work(
                source=line,
                index=index,
                list_minor=list_minor,
                regular=regular,
                current=regular,
                unit_price_minor=unit,
                pieces=pieces,
                promotable=override is None,
                override_reason=override.reason if override else None,
            )
        )
    return work


def _apply_promotions(work: list[_Work], promotions: Sequence[Promotion], now: datetime) -> None:
    by_product: dict[str, list[int]] = {}
    for w in work:
        if w.promotable:
            by_product.setdefault(w.source.item.product_id, []).append(w.index)
    if not by_product:
        return
    for promo in iter_active(promotions, now):
        if not promo.changes_price:  # bonus points: for the loyalty service, not the price
            continue
        candidates = _candidates(promo, by_product, work)
        if not candidates:
            continue
        views = [PromoLine(w.index, w.source.quantity, w.pieces, w.current) for w in candidates]
        for index, saving in sorted(promo.compute(views).items()):
            w = work[index]
            saving = min(saving, w.current)  # a promotion never makes a line cost more
            if saving <= 0:
                continue
            w.current -= saving
            w.touched = True
            w.locked = w.locked or promo.exclusive
            w.applied.append(AppliedPromotion(promo.promotion_id, promo.name, saving))


def _candidates(
    promo: Promotion, by_product: dict[str, list[int]], work: list[_Work]
) -> list[_Work]:
    # Walk whichever is smaller: the promotion's products or the cart's products.
    if len(promo.product_ids) <= len(by_product):
        indices = [i for p in promo.product_ids for i in by_product.get(p, ())]
    else:
        indices = [i for p, idx in by_product.items() if p in promo.product_ids for i in idx]
    indices.sort()
    return [
        work[i] for i in indices if not work[i].locked and not (promo.exclusive and work[i].touched)
    ]


def _apply_discounts(work: list[_Work], adjustments: Adjustments) -> list[ApprovalNeed]:
    approvals: list[ApprovalNeed] = []
    limit = adjustments.max_percent_without_approval
    overrides = adjustments.overrides_by_line()
    discounts = adjustments.discounts_by_line()
    for w in work:
        line_id = w.source.line_id
        if (
            line_id in overrides
            and overrides[line_id].unit_price_minor != w.source.item.unit_price_minor
        ):
            approvals.append(
                approval_for_override(line_id, overrides[line_id], w.source.item.unit_price_minor)
            )
        discount = discounts.get(line_id)
        if discount is not None:
            w.line_discount = discount.savings_on(w.current)
            need = approval_for_discount(line_id, w.line_discount, w.current, discount, limit)
            if need:
                approvals.append(need)
            w.current -= w.line_discount
    order = adjustments.order_discount
    if order is not None and work:
        base = sum(w.current for w in work)
        shares = share_order_discount(order, [w.current for w in work])
        need = approval_for_discount(None, sum(shares), base, order, limit)
        if need:
            approvals.append(need)
        for w, share in zip(work, shares, strict=True):
            w.order_discount = share
            w.current -= share
    return approvals


def _finish(
    work: list[_Work], currency: str, prices_include_tax: bool, approvals: list[ApprovalNeed]
) -> PricedCart:
    priced = []
    promo_totals: dict[str, AppliedPromotion] = {}
    ratios: dict[int, tuple[int, int]] = {}  # by id(rate): hashing Decimals costs more
    for w in work:
        rate = w.source.item.tax_rate
        ratio = ratios.get(id(rate))
        if ratio is None:
            ratio = ratios[id(rate)] = _rate_ratio(rate.percent)
        for applied in w.applied:
            seen = promo_totals.get(applied.promotion_id)
            total = applied.savings_minor + (seen.savings_minor if seen else 0)
            promo_totals[applied.promotion_id] = AppliedPromotion(
                applied.promotion_id, applied.name, total
            )
        if (
            not w.applied
            and not w.line_discount
            and not w.order_discount
            and (w.override_reason is None and w.regular == w.current)
        ):
            # Most lines carry no promotion or discount: reuse the same (immutable) priced line
            # from the previous scan instead of building it again for all 200 lines.
            priced.append(
                _plain_line(
                    w.source.line_id,
                    w.source.item.product_id,
                    w.source.quantity,
                    w.unit_price_minor,
                    w.list_minor,
                    w.current,
                    rate,
                    prices_include_tax,
                )
            )
            continue
        priced.append(
            PricedLine(
                line_id=w.source.line_id,
                product_id=w.source.item.product_id,
                quantity=w.source.quantity,
                unit_price_minor=w.unit_price_minor,
                list_minor=w.list_minor,
                regular_minor=w.regular,
                promotion_savings_minor=w.regular - w.current - w.line_discount - w.order_discount,
                line_discount_minor=w.line_discount,
                order_discount_minor=w.order_discount,
                amount_minor=w.current,
                tax_rate=rate,
                tax=_split_with_ratio(w.current, ratio, prices_include_tax),
                applied=tuple(w.applied),
                override_reason=w.override_reason,
            )
        )
    summary = summarise_tax(priced)
    return PricedCart(
        currency=currency,
        prices_include_tax=prices_include_tax,
        lines=tuple(priced),
        regular_minor=sum(p.regular_minor for p in priced),
        savings_minor=sum(p.savings_minor for p in priced),
        net_minor=sum(row.net for row in summary),
        tax_minor=sum(row.tax for row in summary),
        total_minor=sum(row.gross for row in summary),
        tax_summary=summary,
        promotions=tuple(sorted(promo_totals.values(), key=lambda a: a.promotion_id)),
        approvals=tuple(approvals),
    )


@lru_cache(maxsize=4096)
def _plain_line(
    line_id: str,
    product_id: str,
    quantity: Decimal,
    unit_price_minor: int,
    list_minor: int,
    amount_minor: int,
    rate: TaxRate,
    prices_include_tax: bool,
) -> PricedLine:
    return PricedLine(
        line_id=line_id,
        product_id=product_id,
        quantity=quantity,
        unit_price_minor=unit_price_minor,
        list_minor=list_minor,
        regular_minor=amount_minor,
        promotion_savings_minor=0,
        line_discount_minor=0,
        order_discount_minor=0,
        amount_minor=amount_minor,
        tax_rate=rate,
        tax=_split_with_ratio(amount_minor, _rate_ratio(rate.percent), prices_include_tax),
    )


def line_amount(unit_price_minor: int, quantity: Decimal, pieces: int = 0) -> int:
    """Unit price x quantity rounded half up, as ``CartLine.amount_minor`` (tested equal);
    whole pieces take the integer path."""
    if pieces:
        return unit_price_minor * pieces
    return round_half_up(Fraction(unit_price_minor) * Fraction(quantity))


def fast_split_tax(amount_minor: int, rate: TaxRate, prices_include_tax: bool) -> TaxSplit:
    """:func:`pos_desktop.domain.tax.split_tax` in integer arithmetic (same results, tested).

    Re-pricing splits every line on every scan; Fraction arithmetic made that the slowest step.
    """
    return _split_with_ratio(amount_minor, _rate_ratio(rate.percent), prices_include_tax)


def _split_with_ratio(
    amount_minor: int, ratio: tuple[int, int], prices_include_tax: bool
) -> TaxSplit:
    num, den = ratio
    divisor = 100 * den + num if prices_include_tax else 100 * den
    tax = _div_half_up(amount_minor * num, divisor)
    if prices_include_tax:
        return TaxSplit(net=amount_minor - tax, tax=tax, gross=amount_minor)
    return TaxSplit(net=amount_minor, tax=tax, gross=amount_minor + tax)


@lru_cache(maxsize=64)
def _rate_ratio(percent: Decimal) -> tuple[int, int]:
    return percent.as_integer_ratio()


def _div_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero (denominator > 0)."""
    sign = -1 if numerator < 0 else 1
    return sign * ((2 * abs(numerator) + denominator) // (2 * denominator))


def summarise_tax(lines: Iterable[PricedLine]) -> tuple[TaxSummaryRow, ...]:
    """One row per tax code (sorted by code), each the sum of its lines' rounded splits."""
    acc: dict[str, list[int]] = {}
    rates: dict[str, TaxRate] = {}
    for line in lines:
        row = acc.setdefault(line.tax_rate.code, [0, 0, 0])
        row[0] += line.tax.net
        row[1] += line.tax.tax
        row[2] += line.tax.gross
        rates[line.tax_rate.code] = line.tax_rate
    return tuple(
        TaxSummaryRow(code, rates[code].name, rates[code].percent, *acc[code])
        for code in sorted(acc)
    )
