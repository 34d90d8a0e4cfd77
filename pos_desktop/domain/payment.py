"""A tender applied to a sale, and the store settings for tenders and discounts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .ids import new_id
from .money import Money


@dataclass(frozen=True, slots=True)
class Payment:
    """Money received for a sale: ``amount`` counts toward the total, ``change`` goes back."""

    tender: str
    amount: Money
    tendered: Money
    change: Money
    payment_id: str = field(default_factory=new_id)
    reference: str | None = None
    # A gift voucher's balance after this payment (printed on the receipt); None otherwise.
    balance_left_minor: int | None = None

    def to_json(self) -> dict[str, object]:
        """The payment as stored in a sale's document and in a card payment's context."""
        return {
            "payment_id": self.payment_id,
            "tender": self.tender,
            "amount_minor": self.amount.amount_minor,
            "tendered_minor": self.tendered.amount_minor,
            "change_minor": self.change.amount_minor,
            "reference": self.reference,
            **(
                {"balance_left_minor": self.balance_left_minor}
                if self.balance_left_minor is not None
                else {}
            ),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], currency: str) -> Payment:
        """The inverse of :meth:`to_json` (amounts are in ``currency``)."""
        return cls(
            tender=data["tender"],
            amount=Money(data["amount_minor"], currency),
            tendered=Money(data["tendered_minor"], currency),
            change=Money(data["change_minor"], currency),
            payment_id=data["payment_id"],
            reference=data.get("reference"),
            balance_left_minor=data.get("balance_left_minor"),
        )


DEFAULT_OTHER_TENDERS = ("Mobile wallet", "BNPL", "Cheque")


@dataclass(frozen=True, slots=True)
class CheckoutSettings:
    """Store settings for tenders and discounts (kept in the ``checkout_setting`` table).

    ``cash_increment_minor``: cash is rounded to this (5 = 0.05; 1 = no rounding).
    ``other_tenders``: names of the "other" tenders the till offers.
    ``max_discount_percent``: deeper discounts need a manager's approval.
    ``drawer_tenders``: the other tenders that open the cash drawer (a cheque goes in it).
    ``loyalty_points_per_unit``: points a customer earns per 1 unit of the currency paid
    (0: loyalty off); ``loyalty_point_value_minor``: what one point pays when spent.
    ``gift_card_offline_limit_minor``: how much of one gift card a till may spend while the
    cloud cannot be reached (0: none); ``gift_card_offline_till_limit_minor``: how much of all
    gift cards together a till may spend offline until its sales reach the cloud (0: no total
    limit, only the one per card). ``loyalty_group_rates``: per product group (category) a
    multiplier of ``loyalty_points_per_unit`` (``domain.loyalty_rules``). ``loyalty_tiers``:
    optional tiers a customer reaches by points earned in 365 days, multiplying what they earn.
    """

    cash_increment_minor: int = 1
    other_tenders: tuple[str, ...] = DEFAULT_OTHER_TENDERS
    max_discount_percent: Decimal = Decimal(10)
    override_reasons: tuple[str, ...] = ("Damaged", "Price match", "Wrong shelf label")
    drawer_tenders: tuple[str, ...] = ()
    loyalty_points_per_unit: int = 0
    loyalty_point_value_minor: int = 1
    gift_card_offline_limit_minor: int = 0  # per card per till while the cloud is away
    gift_card_offline_till_limit_minor: int = 0  # all cards together, per till, until synced
    # (category, multiplier of loyalty_points_per_unit): Coffee x2, Tobacco x0 (loyalty_rules)
    loyalty_group_rates: tuple[tuple[str, Decimal], ...] = ()
    # (name, points earned in 365 days to reach it, multiplier), lowest first (loyalty_rules)
    loyalty_tiers: tuple[tuple[str, int, Decimal], ...] = ()

    def __post_init__(self) -> None:
        if self.cash_increment_minor < 1:
            raise ValueError("cash_increment_minor must be at least 1")
        if self.gift_card_offline_limit_minor < 0 or self.gift_card_offline_till_limit_minor < 0:
            raise ValueError("the gift card offline limits must be 0 or more")
        if self.loyalty_points_per_unit < 0 or self.loyalty_point_value_minor < 1:
            raise ValueError(
                "loyalty_points_per_unit must be 0 or more and loyalty_point_value_minor 1 or more"
            )
