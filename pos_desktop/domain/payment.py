"""A tender applied to a sale, and the store settings for tenders and discounts."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .errors import PaymentError
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


def pay_cash(total: Money, tendered: Money) -> Payment:
    """Take cash for ``total``; change is what was tendered above it.

    Raises:
        PaymentError: when the cash does not cover the total.
    """
    if tendered < total:
        short = total - tendered
        raise PaymentError(f"Cash tendered is {short} short of the total; take more cash.")
    return Payment(tender="cash", amount=total, tendered=tendered, change=tendered - total)


DEFAULT_OTHER_TENDERS = ("Mobile wallet", "BNPL", "Cheque")


@dataclass(frozen=True, slots=True)
class CheckoutSettings:
    """Store settings for tenders and discounts (kept in the ``checkout_setting`` table).

    ``cash_increment_minor``: cash is rounded to this (5 = 0.05; 1 = no rounding).
    ``other_tenders``: names of the "other" tenders the till offers.
    ``max_discount_percent``: deeper discounts need a manager's approval.
    """

    cash_increment_minor: int = 1
    other_tenders: tuple[str, ...] = DEFAULT_OTHER_TENDERS
    max_discount_percent: Decimal = Decimal(10)
    override_reasons: tuple[str, ...] = ("Damaged", "Price match", "Wrong shelf label")

    def __post_init__(self) -> None:
        if self.cash_increment_minor < 1:
            raise ValueError("cash_increment_minor must be at least 1")
