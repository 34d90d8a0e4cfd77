"""Split tender: cash, card, gift voucher and named "other" tenders paying one sale.

Rules:

* A card, voucher or other tender can pay at most what is still due: no change from them.
  A voucher worth more than the rest pays only the rest; its remaining balance is reported.
* Change comes only from cash.
* Cash rounding (e.g. to 0.05) applies only when cash settles the rest of the sale: the cash
  due is rounded half up to the increment and the difference is recorded as ``rounding_minor``
  (negative when the customer pays less). Then ``sum(amounts) == total + rounding``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction

from .errors import N_, PaymentError
from .ids import new_id
from .money import Money, round_half_up
from .payment import Payment

CASH, CARD, VOUCHER, OTHER = "cash", "card", "voucher", "other"
# Balances held in the cloud (spent there when the tender is taken; docs/CUSTOMERS.md).
GIFT_CARD, POINTS = "gift_card", "points"
CLOUD_TENDERS = (GIFT_CARD, POINTS)


@dataclass(frozen=True, slots=True)
class Tender:
    """One tender applied to the sale.

    ``amount_minor`` counts toward the sale; ``tendered_minor`` is what was handed over (cash)
    and ``change_minor`` what went back. ``name`` labels the tender on the receipt ("Cash",
    "Visa", "Gift voucher", "Invoice"); ``reference`` is the voucher code, card reference or
    the other tender's reference.
    """

    kind: str
    name: str
    amount_minor: int
    tendered_minor: int
    change_minor: int = 0
    rounding_minor: int = 0
    reference: str | None = None
    tender_id: str = field(default_factory=new_id)
    balance_left_minor: int | None = None  # a card's balance after it (printed)

    def as_payment(self, currency: str) -> Payment:
        """The lead's :class:`Payment` record for storage and receipts."""
        return Payment(
            tender=self.kind if self.kind != OTHER else self.name,
            amount=Money(self.amount_minor, currency),
            tendered=Money(self.tendered_minor, currency),
            change=Money(self.change_minor, currency),
            payment_id=self.tender_id,
            reference=self.reference,
            balance_left_minor=self.balance_left_minor,
        )


def round_to_increment(amount_minor: int, increment_minor: int) -> int:
    """Round to the nearest multiple of the cash increment, halves away from zero."""
    if increment_minor <= 1:
        return amount_minor
    return round_half_up(Fraction(amount_minor, increment_minor)) * increment_minor


class SplitTender:
    """Collects tenders for one sale total until it is settled. Not thread-safe.

    Args:
        total: the sale total (must be positive).
        cash_increment_minor: smallest cash amount the drawer deals in (5 for 0.05; 1 = none).
    """

    def __init__(self, total: Money, *, cash_increment_minor: int = 1) -> None:
        if total.amount_minor <= 0:
            raise PaymentError(N_("There is nothing to pay: the total is zero or less."))
        if cash_increment_minor < 1:
            raise ValueError("cash_increment_minor must be at least 1")
        self.total = total
        self.cash_increment_minor = cash_increment_minor
        self._tenders: list[Tender] = []

    @property
    def currency(self) -> str:
        return self.total.currency

    @property
    def tenders(self) -> tuple[Tender, ...]:
        return tuple(self._tenders)

    @property
    def paid_minor(self) -> int:
        return sum(t.amount_minor for t in self._tenders)

    @property
    def rounding_minor(self) -> int:
        return sum(t.rounding_minor for t in self._tenders)

    @property
    def remaining_minor(self) -> int:
        """Still due before cash rounding (0 once settled)."""
        return self.total.amount_minor + self.rounding_minor - self.paid_minor

    @property
    def cash_due_minor(self) -> int:
        """What the customer must hand over if cash pays the rest (rounded)."""
        return round_to_increment(self.remaining_minor, self.cash_increment_minor)

    @property
    def is_settled(self) -> bool:
        return bool(self._tenders) and self.remaining_minor == 0

    @property
    def change_minor(self) -> int:
        return sum(t.change_minor for t in self._tenders)

    def add_cash(self, tendered: Money) -> Tender:
        """Take cash. Short of the rounded rest it pays part; otherwise it settles with change.

        When the rest rounds to zero, ``add_cash(Money(0, cur))`` settles it by rounding.

        Raises:
            PaymentError: if the sale is already paid or the amount is not positive.
        """
        due = self.cash_due_minor
        # A rest that rounds to zero (0.02 with 0.05 cash) is settled by rounding alone.
        given = self._check(tendered, CASH, allow_zero=due == 0)
        if given < due:
            return self._add(Tender(CASH, "Cash", given, given))
        rounding = due - self.remaining_minor
        return self._add(Tender(CASH, "Cash", due, given, given - due, rounding))

    def add_card(
        self, amount: Money, *, name: str = "Card", reference: str | None = None
    ) -> Tender:
        """Record an approved card payment (a card cannot pay more than is due).

        Raises:
            PaymentError: if the amount is more than the rest due.
        """
        value = self._check(amount, CARD)
        self._no_overpay(value, name)
        return self._add(Tender(CARD, name, value, value, reference=reference))

    def add_voucher(
        self,
        balance: Money,
        *,
        code: str,
        name: str = "Gift voucher",
        amount: Money | None = None,
        kind: str = VOUCHER,
        step_minor: int = 1,
    ) -> Tender:
        """Redeem a voucher: ``amount`` when the customer names one, else the lesser of its
        balance and the rest due.

        The voucher's remaining balance is ``balance - tender.amount_minor``. ``kind`` is
        ``GIFT_CARD`` or ``POINTS`` for balances held in the cloud; ``step_minor`` makes the
        amount a multiple of it (points are worth ``step_minor`` each).

        Raises:
            PaymentError: no code, or ``amount`` is more than the voucher holds or than is due.
        """
        value = self._check(balance, VOUCHER)
        if not code.strip():
            raise PaymentError(N_("Scan or type the voucher code first."))
        used = min(value, self.remaining_minor) // step_minor * step_minor
        if amount is not None:
            wanted = self._check(amount, VOUCHER)
            if wanted > value:
                raise PaymentError(
                    N_("Voucher {code} holds only {balance}: lower the amount to at most that."),
                    code=code.strip(),
                    balance=balance,
                )
            self._no_overpay(wanted, name)
            used = wanted
        if used <= 0 or used % step_minor:
            raise PaymentError(
                N_("{name} pays in steps of {step}: nothing fits."),
                name=name,
                step=Money(step_minor, self.currency),
            )
        return self._add(Tender(kind, name, used, used, reference=code.strip()))

    def set_balance_left(self, tender_id: str, left_minor: int) -> Tender:
        """Note what a card holds after this tender (the cloud's answer; printed)."""
        for i, tender in enumerate(self._tenders):
            if tender.tender_id == tender_id:
                self._tenders[i] = replace(tender, balance_left_minor=left_minor)
                return self._tenders[i]
        raise PaymentError(N_("That payment is not on this sale."))

    def add_other(self, amount: Money, *, name: str, reference: str | None = None) -> Tender:
        """A named tender ("Invoice", "Meal ticket") that cannot pay more than is due."""
        value = self._check(amount, OTHER)
        if not name.strip():
            raise PaymentError(N_("Name the tender (e.g. Invoice) before taking it."))
        self._no_overpay(value, name)
        return self._add(Tender(OTHER, name.strip(), value, value, reference=reference))

    def remove(self, tender_id: str) -> Tender:
        """Take a tender back off the sale (before the sale is committed)."""
        for tender in self._tenders:
            if tender.tender_id == tender_id:
                self._tenders.remove(tender)
                return tender
        raise PaymentError(N_("That payment is not on this sale."))

    def payments(self) -> tuple[Payment, ...]:
        """The tenders as :class:`Payment` records, in the order taken."""
        return tuple(t.as_payment(self.currency) for t in self._tenders)

    def _check(self, money: Money, kind: str, *, allow_zero: bool = False) -> int:
        if money.currency != self.currency:
            raise PaymentError(
                N_("This sale is in {currency}; the {kind} amount is in {money_currency}."),
                currency=self.currency,
                kind=kind,
                money_currency=money.currency,
            )
        if money.amount_minor < 0 or (money.amount_minor == 0 and not allow_zero):
            raise PaymentError(N_("The {kind} amount must be more than zero."), kind=kind)
        if self.is_settled:
            raise PaymentError(N_("The sale is already paid: finish it or remove a payment."))
        return money.amount_minor

    def _no_overpay(self, value: int, name: str) -> None:
        if value > self.remaining_minor:
            due = Money(self.remaining_minor, self.currency)
            raise PaymentError(
                N_(
                    "{name} cannot pay more than is due ({due}): lower the amount or pay "
                    "the rest in cash."
                ),
                name=name,
                due=due,
            )

    def _add(self, tender: Tender) -> Tender:
        self._tenders.append(tender)
        return tender
