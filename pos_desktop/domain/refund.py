"""Returns against an original sale: partial or whole, over one or several visits.

Rules (docs/PRICING.md has worked cases):

* A line can be returned up to the quantity sold, summed over all earlier refunds.
* A line's refund is its paid amount pro rata, computed cumulatively: after returning ``q`` of
  ``n`` the customer has had ``round(amount * q / n)`` in total, so the last return of a line
  gives back exactly what is left and the refunds of a line sum to what was paid for it.
  Tax is reversed the same way.
* Money goes back the way it came: non-cash tenders first (last taken first, each up to what it
  paid less what it already refunded), then cash. A card payment never turns into cash.
* Cash payouts are rounded to the cash increment, never beyond the cash that was paid. The
  refund that completes the sale pays out exactly what is left, reversing the sale's rounding.
  ``payout == goods + rounding``; total payouts never exceed what was paid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

from .errors import N_, DomainError, InvalidQuantity, Phrase
from .ids import new_id
from .money import round_half_up
from .pricing import PricedCart
from .sale import Sale
from .tender import CARD, CASH, GIFT_CARD, OTHER, POINTS, VOUCHER, SplitTender, round_to_increment


@dataclass(frozen=True, slots=True)
class SoldLine:
    """A line of the original sale: ``gross_minor`` is what the customer paid for it."""

    line_id: str
    quantity: Decimal
    gross_minor: int
    tax_minor: int
    name: str = ""
    sold_by_weight: bool = False


@dataclass(frozen=True, slots=True)
class TenderAmount:
    """An amount through one tender: paid on the original sale (``amount_minor`` counted toward
    it), or going back through that tender on a refund (``tender_id`` is the original's)."""

    tender_id: str
    kind: str
    name: str
    amount_minor: int
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class OriginalSale:
    """What a refund needs to know about the sale being returned against."""

    sale_id: str
    currency: str
    lines: tuple[SoldLine, ...]
    tenders: tuple[TenderAmount, ...]
    rounding_minor: int = 0
    cash_increment_minor: int = 1

    @property
    def goods_minor(self) -> int:
        return sum(line.gross_minor for line in self.lines)

    @property
    def paid_minor(self) -> int:
        return sum(t.amount_minor for t in self.tenders)


@dataclass(frozen=True, slots=True)
class ReturnItem:
    """The cashier's choice: return ``quantity`` of line ``line_id``."""

    line_id: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class RefundLine:
    line_id: str
    quantity: Decimal
    gross_minor: int
    tax_minor: int


@dataclass(frozen=True, slots=True)
class Refund:
    """A planned refund. ``payout_minor == goods_minor + rounding_minor``."""

    sale_id: str
    lines: tuple[RefundLine, ...]
    tenders: tuple[TenderAmount, ...]
    goods_minor: int
    tax_minor: int
    rounding_minor: int
    completes_sale: bool
    refund_id: str = field(default_factory=new_id)

    @property
    def payout_minor(self) -> int:
        return sum(t.amount_minor for t in self.tenders)


def plan_refund(
    sale: OriginalSale, items: Sequence[ReturnItem], previous: Sequence[Refund] = ()
) -> Refund:
    """Work out what to give back for ``items``, given the refunds already made on the sale.

    Raises:
        DomainError: for an unknown line, a line listed twice, or more than is left to return.
        InvalidQuantity: for a zero, negative or (piece items) fractional quantity.
    """
    if not items:
        raise DomainError(N_("Pick at least one item to return."))
    if any(r.sale_id != sale.sale_id for r in previous):
        raise DomainError(N_("An earlier refund belongs to another receipt: reload the sale."))
    returned = _returned_so_far(previous)
    lines = tuple(_refund_line(sale, item, returned) for item in _checked(sale, items))
    goods = sum(line.gross_minor for line in lines)
    completes = _completes(sale, lines, returned)
    tenders = _payout(sale, goods, completes, previous)
    payout = sum(t.amount_minor for t in tenders)
    return Refund(
        sale_id=sale.sale_id,
        lines=lines,
        tenders=tenders,
        goods_minor=goods,
        tax_minor=sum(line.tax_minor for line in lines),
        rounding_minor=payout - goods,
        completes_sale=completes,
    )


def whole_return(sale: OriginalSale, previous: Sequence[Refund] = ()) -> list[ReturnItem]:
    """Return items for everything not yet returned (a "return the whole receipt" button)."""
    returned = _returned_so_far(previous)
    items = []
    for line in sale.lines:
        left = line.quantity - returned.get(line.line_id, (Decimal(0), 0, 0))[0]
        if left > 0:
            items.append(ReturnItem(line.line_id, left))
    return items


def _returned_so_far(previous: Sequence[Refund]) -> dict[str, tuple[Decimal, int, int]]:
    """line id -> (quantity, gross, tax) already refunded."""
    done: dict[str, tuple[Decimal, int, int]] = {}
    for refund in previous:
        for line in refund.lines:
            q, g, t = done.get(line.line_id, (Decimal(0), 0, 0))
            done[line.line_id] = (q + line.quantity, g + line.gross_minor, t + line.tax_minor)
    return done


def _checked(sale: OriginalSale, items: Sequence[ReturnItem]) -> list[tuple[SoldLine, Decimal]]:
    by_id = {line.line_id: line for line in sale.lines}
    seen: set[str] = set()
    checked = []
    for item in items:
        line = by_id.get(item.line_id)
        if line is None:
            raise DomainError(N_("That item is not on this receipt: pick a line from the sale."))
        if item.line_id in seen:
            raise DomainError(
                N_("{name} is listed twice: return it once."),
                name=line.name or Phrase(N_("A line")),
            )
        seen.add(item.line_id)
        quantity = Decimal(item.quantity)
        if not quantity.is_finite() or quantity <= 0:
            raise InvalidQuantity(
                N_("Return quantity {quantity} must be more than zero."), quantity=item.quantity
            )
        if not line.sold_by_weight and quantity != quantity.to_integral_value():
            raise InvalidQuantity(
                N_("Return whole pieces of {name}."), name=line.name or Phrase(N_("this item"))
            )
        checked.append((line, quantity))
    return checked


def _refund_line(
    sale: OriginalSale,
    checked: tuple[SoldLine, Decimal],
    returned: dict[str, tuple[Decimal, int, int]],
) -> RefundLine:
    line, quantity = checked
    q_before, gross_before, tax_before = returned.get(line.line_id, (Decimal(0), 0, 0))
    q_after = q_before + quantity
    if q_after > line.quantity:
        left = line.quantity - q_before
        raise DomainError(
            N_(
                "Only {left} of {name} can still be returned ({quantity} sold, "
                "{q_before} already returned)."
            ),
            left=left,
            name=line.name or Phrase(N_("this item")),
            quantity=line.quantity,
            q_before=q_before,
        )
    gross_after = _pro_rata(line.gross_minor, q_after, line.quantity)
    tax_after = _pro_rata(line.tax_minor, q_after, line.quantity)
    return RefundLine(
        line.line_id,
        quantity,
        max(0, gross_after - gross_before),
        max(0, tax_after - tax_before),
    )


def _pro_rata(amount: int, part: Decimal, whole: Decimal) -> int:
    if part == whole:
        return amount
    return round_half_up(Fraction(amount) * Fraction(part) / Fraction(whole))


def _completes(
    sale: OriginalSale, lines: tuple[RefundLine, ...], returned: dict[str, tuple[Decimal, int, int]]
) -> bool:
    now = {line.line_id: line.quantity for line in lines}
    return all(
        returned.get(line.line_id, (Decimal(0),))[0] + now.get(line.line_id, 0) == line.quantity
        for line in sale.lines
    )


def _payout(
    sale: OriginalSale, goods: int, completes: bool, previous: Sequence[Refund]
) -> tuple[TenderAmount, ...]:
    refunded: dict[str, int] = {}
    for refund in previous:
        for t in refund.tenders:
            refunded[t.tender_id] = refunded.get(t.tender_id, 0) + t.amount_minor
    caps = {
        t.tender_id: max(0, t.amount_minor - refunded.get(t.tender_id, 0)) for t in sale.tenders
    }
    left = sum(caps.values()) if completes else min(goods, sum(caps.values()))
    non_cash = [t for t in reversed(sale.tenders) if t.kind != CASH]
    cash = [t for t in reversed(sale.tenders) if t.kind == CASH]
    out: list[TenderAmount] = []
    for tender in non_cash:
        take = min(left, caps[tender.tender_id])
        left -= take
        _emit(out, tender, take)
    cash_cap = sum(caps[t.tender_id] for t in cash)
    if not completes:
        left = _round_cash(left, cash_cap, sale.cash_increment_minor)
    for tender in cash:
        take = min(left, caps[tender.tender_id])
        left -= take
        _emit(out, tender, take)
    return tuple(out)


def _round_cash(amount: int, cash_cap: int, increment: int) -> int:
    """Cash payout rounded to the increment, never above the cash still refundable."""
    rounded = round_to_increment(amount, increment)
    if rounded > cash_cap:
        rounded = cash_cap - cash_cap % increment if increment > 1 else cash_cap
    return max(0, rounded)


def _emit(out: list[TenderAmount], tender: TenderAmount, amount: int) -> None:
    if amount > 0:
        out.append(
            TenderAmount(tender.tender_id, tender.kind, tender.name, amount, tender.reference)
        )


def original_from_checkout(
    sale_id: str, priced: PricedCart, split: SplitTender, names: dict[str, str] | None = None
) -> OriginalSale:
    """The refund view of a sale priced by :func:`price_cart` and paid by :class:`SplitTender`."""
    names = names or {}
    return OriginalSale(
        sale_id=sale_id,
        currency=priced.currency,
        lines=tuple(
            SoldLine(
                line.line_id,
                line.quantity,
                line.tax.gross,
                line.tax.tax,
                names.get(line.line_id, ""),
                sold_by_weight=line.quantity != line.quantity.to_integral_value(),
            )
            for line in priced.lines
        ),
        tenders=tuple(
            TenderAmount(t.tender_id, t.kind, t.name, t.amount_minor, t.reference)
            for t in split.tenders
            if t.amount_minor > 0
        ),
        rounding_minor=split.rounding_minor,
        cash_increment_minor=split.cash_increment_minor,
    )


def original_from_sale(sale: Sale, *, cash_increment_minor: int = 1) -> OriginalSale:
    """The refund view of a stored :class:`Sale`; its rounding is what was paid over the total."""
    lines = tuple(
        SoldLine(
            line.line_id,
            line.quantity,
            line.amount_minor + (0 if sale.prices_include_tax else line.tax_minor),
            line.tax_minor,
            line.name,
            line.sold_by_weight,
        )
        for line in sale.lines
    )
    tenders = tuple(
        TenderAmount(
            p.payment_id,
            p.tender if p.tender in (CASH, CARD, VOUCHER, GIFT_CARD, POINTS) else OTHER,
            p.tender,
            p.amount.amount_minor,
            p.reference,
        )
        for p in sale.payments
        if p.amount.amount_minor > 0
    )
    paid = sum(t.amount_minor for t in tenders)
    return OriginalSale(
        sale.sale_id,
        sale.currency,
        lines,
        tenders,
        rounding_minor=paid - sum(line.gross_minor for line in lines),
        cash_increment_minor=cash_increment_minor,
    )


STORE_CREDIT = "Store credit"  # the name of a refund tender loaded onto a new gift card


def to_store_credit(refund: Refund, code: str, kind: str) -> Refund:
    """``refund`` with its cash going onto gift card ``code`` instead (``kind``: ``gift_card``
    in the cloud's ledger, ``voucher`` at a till without a cloud). Each part keeps the id of
    the original tender, so later returns count it as given back; other tenders are unchanged
    (a card payment never turns into store credit).

    Raises:
        DomainError: no part of the refund is cash.
    """
    if kind not in (GIFT_CARD, VOUCHER):
        raise ValueError(f"store credit goes onto a gift card or voucher, not {kind!r}")
    if not any(t.kind == CASH and t.amount_minor > 0 for t in refund.tenders):
        raise DomainError(
            N_("Only cash can go onto a gift card, and this refund has none: refund it as usual.")
        )
    tenders = tuple(
        TenderAmount(t.tender_id, kind, STORE_CREDIT, t.amount_minor, code) if t.kind == CASH else t
        for t in refund.tenders
    )
    return replace(refund, tenders=tenders)
