"""Manual price changes by the cashier: price overrides, line discounts, an order discount.

They apply after promotions, in this order: a price override replaces the catalogue unit price
(and takes the line out of promotions), a line discount reduces the promoted line, and an order
discount is shared over all lines in proportion to their amounts (largest remainder), so every
line carries its own share and the tax summary stays exact.

Approval: any price override, and any discount deeper than the store's
``max_percent_without_approval``, is listed as an :class:`ApprovalNeed`; the checkout service
asks for a manager's PIN (or the cashier's permission) before the sale can be paid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .allocation import allocate
from .errors import N_, DomainError, Phrase
from .limits import check_unit_price
from .money import round_half_up


@dataclass(frozen=True, slots=True)
class PriceOverride:
    """The cashier sets a line's unit price; a reason (code or text) is required."""

    line_id: str
    unit_price_minor: int
    reason: str

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise DomainError(N_("A price override needs a reason: pick one from the list."))
        if self.unit_price_minor < 0:
            raise DomainError(N_("A price cannot be negative: type the new price again."))
        check_unit_price(self.unit_price_minor, Phrase(N_("The new price")))


@dataclass(frozen=True, slots=True)
class Discount:
    """A percentage (``Decimal("10")`` = 10 %) or a fixed amount in minor units, not both."""

    percent: Decimal | None = None
    amount_minor: int | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        if (self.percent is None) == (self.amount_minor is None):
            raise DomainError(N_("Give a discount as a percentage or as an amount, not both."))
        if self.percent is not None and not 0 < self.percent <= 100:
            raise DomainError(
                N_("A discount of {percent} % is not possible: use 0-100 %."), percent=self.percent
            )
        if self.amount_minor is not None and self.amount_minor <= 0:
            raise DomainError(N_("A discount amount must be more than zero."))

    def savings_on(self, amount_minor: int, what: str = Phrase(N_("the line"))) -> int:
        """The discount on ``amount_minor``, rounded half up for percentages.

        Raises:
            DomainError: if a fixed amount is more than ``amount_minor``.
        """
        if self.percent is not None:
            return round_half_up(Fraction(amount_minor) * Fraction(self.percent) / 100)
        assert self.amount_minor is not None
        if self.amount_minor > amount_minor:
            raise DomainError(
                N_(
                    "The discount ({amount_minor}) is more than {what} ({amount_minor2} "
                    "minor units): lower the discount."
                ),
                amount_minor=self.amount_minor,
                what=what,
                amount_minor2=amount_minor,
            )
        return self.amount_minor


@dataclass(frozen=True, slots=True)
class LineDiscount:
    """A discount on one line."""

    line_id: str
    discount: Discount


@dataclass(frozen=True, slots=True)
class Adjustments:
    """Everything the cashier changed by hand on the cart, plus the approval threshold."""

    overrides: tuple[PriceOverride, ...] = ()
    line_discounts: tuple[LineDiscount, ...] = ()
    order_discount: Discount | None = None
    max_percent_without_approval: Decimal = Decimal(10)

    def overrides_by_line(self) -> dict[str, PriceOverride]:
        return {o.line_id: o for o in self.overrides}

    def discounts_by_line(self) -> dict[str, Discount]:
        return {d.line_id: d.discount for d in self.line_discounts}


NO_ADJUSTMENTS = Adjustments()


@dataclass(frozen=True, slots=True)
class ApprovalNeed:
    """Why a manager must approve: ``kind`` is "price_override" or "large_discount"."""

    kind: str
    line_id: str | None
    percent: Decimal
    reason: str

    @property
    def message(self) -> str:
        target = "the order" if self.line_id is None else "a line"
        if self.kind == "price_override":
            return f"Price override on {target} ({self.reason}): a manager must approve."
        return (
            f"Discount of {self.percent} % on {target} is above the limit: a manager must approve."
        )


def percent_of(part: int, whole: int) -> Decimal:
    """``part`` as a percentage of ``whole``, to two decimals (0 when ``whole`` is 0)."""
    if whole <= 0:
        return Decimal(0)
    return Decimal(round_half_up(Fraction(part * 10000, whole))).scaleb(-2)


def share_order_discount(discount: Discount, amounts: Sequence[int]) -> list[int]:
    """Split an order discount over lines in proportion to their amounts.

    Raises:
        DomainError: if a fixed amount is more than the order total.
    """
    total = sum(amounts)
    savings = discount.savings_on(total, Phrase(N_("the order")))
    if total == 0:
        return [0] * len(amounts)
    return allocate(savings, list(amounts))


def approval_for_discount(
    line_id: str | None, savings: int, base: int, discount: Discount, limit: Decimal
) -> ApprovalNeed | None:
    """An approval need when the discount is more than ``limit`` percent of ``base``.

    A percent discount is judged (and shown) by the percent the cashier typed: rounding the
    savings to the cent made "15 %" read "15.08 %". An amount is judged as a share of ``base``.
    """
    if discount.percent is not None:
        percent = discount.percent.normalize()
        percent = percent.quantize(1) if percent == percent.to_integral() else percent
    else:
        percent = percent_of(savings, base)
    if percent <= limit:
        return None
    return ApprovalNeed("large_discount", line_id, percent, discount.reason)


def approval_for_override(
    line_id: str, override: PriceOverride, catalogue_unit_minor: int
) -> ApprovalNeed:
    """Every override needs approval (it is a sensitive action); the percent is the cut."""
    cut = max(0, catalogue_unit_minor - override.unit_price_minor)
    return ApprovalNeed(
        "price_override", line_id, percent_of(cut, catalogue_unit_minor), override.reason
    )
