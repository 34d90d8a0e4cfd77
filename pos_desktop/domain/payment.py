"""A tender applied to a sale. Issue-2 scope: cash with change due."""

from __future__ import annotations

from dataclasses import dataclass, field

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


def pay_cash(total: Money, tendered: Money) -> Payment:
    """Take cash for ``total``; change is what was tendered above it.

    Raises:
        PaymentError: when the cash does not cover the total.
    """
    if tendered < total:
        short = total - tendered
        raise PaymentError(f"Cash tendered is {short} short of the total; take more cash.")
    return Payment(tender="cash", amount=total, tendered=tendered, change=tendered - total)
