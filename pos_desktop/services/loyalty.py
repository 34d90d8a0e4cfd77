"""Loyalty points: earned on a sale with a customer attached, spent with their consent.

The rule is a store setting (``CheckoutSettings``): ``loyalty_points_per_unit`` points per 1
unit of the currency paid (0 = loyalty off), rounded down, and ``loyalty_point_value_minor``
what one point is worth when spent. Gift cards sold are not counted (not revenue), nor what
was paid with points.

The cloud's ledger is authoritative (docs/CUSTOMERS.md): points earned go up as
``loyalty.earned`` outbox events in the sale's transaction (offline too); spending is a
"Points" tender reserved in the cloud at once (:class:`CloudBalances`), only online. A refund
takes back the points its goods earned (``loyalty.taken_back``, never below zero in the
cloud) and gives back points it paid with (``loyalty.refunded``).
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import SqliteDatabase

from pos_desktop.domain.errors import N_, DomainError, LedgerNotFound, PaymentError
from pos_desktop.domain.money import Money, currency_exponent
from pos_desktop.domain.refund import Refund
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.tender import POINTS, SplitTender, Tender
from pos_desktop.storage import outbox

from .cloud_balances import CloudBalances, CloudLedgerPort, ledger_event
from .gift_cards import card_code
from .ports import Clock

UNIT = "PTS"


@dataclass(frozen=True, slots=True)
class PointsBalance:
    """``confirmed``: the cloud's figure (None offline); ``pending``: earned here, not yet sent."""

    confirmed: int | None
    pending: int

    @property
    def total(self) -> int | None:
        return None if self.confirmed is None else self.confirmed + self.pending


class LoyaltyService(CloudBalances):
    def __init__(
        self, db: SqliteDatabase, checkout, ledger: CloudLedgerPort | None, clock: Clock
    ) -> None:
        super().__init__(db, ledger, clock, "loyalty", POINTS)
        self._checkout = checkout

    @property
    def per_unit(self) -> int:
        return self._checkout.checkout_settings.loyalty_points_per_unit

    @property
    def point_value_minor(self) -> int:
        return self._checkout.checkout_settings.loyalty_point_value_minor

    def points_for(self, amount_minor: int, currency: str) -> int:
        """Points earned by paying ``amount_minor`` (rounded down; never negative)."""
        if self.per_unit <= 0 or amount_minor <= 0:
            return 0
        return amount_minor * self.per_unit // 10 ** currency_exponent(currency)

    def earned_by(self, sale: Sale) -> int:
        """What ``sale`` earns: its goods (not gift cards sold) less what points paid."""
        goods = sum(ln.amount_minor for ln in sale.lines if card_code(ln.product_id) is None)
        by_points = sum(p.amount.amount_minor for p in sale.payments if p.tender == POINTS)
        return self.points_for(goods - by_points, sale.currency)

    def balance(self, customer_id: str) -> PointsBalance:
        """The customer's points: the cloud's figure plus what this till has not sent yet."""
        pending = outbox.pending_amount(self._db, "loyalty.earned", customer_id)
        confirmed: int | None
        try:
            confirmed = self._ledger().balance("loyalty", customer_id) if self.in_cloud else None
        except LedgerNotFound:
            confirmed = 0
        except PaymentError:  # offline: the till knows only its own share
            confirmed = None
        return PointsBalance(confirmed, int(pending))

    def take(self, split: SplitTender, points: int | None = None) -> Tender:
        """Pay with the attached customer's points (call only after they agreed): ``points``,
        or as many as fit what is due.

        Raises:
            DomainError: no customer or loyalty is off; PaymentError: too few points, the
                cloud refused or is offline (the tender is then not on ``split``).
        """
        customer = self.check_take(split)
        tender = self.add_tender(split, self.ask_points(customer.customer_id), points)
        self.reserve(split, tender.tender_id, customer.customer_id, UNIT, self.points_of(tender))
        return next(t for t in split.tenders if t.tender_id == tender.tender_id)

    # ``take`` in steps, for the payment window, which asks the cloud off its thread:
    # check_take, ask_points (network), add_tender + begin_reserve, ask_redeem (network),
    # finish_reserve.

    def check_take(self, split: SplitTender):
        """The attached customer, once points may pay this sale.

        Raises:
            DomainError: no customer, loyalty off, not enrolled, points already on the sale.
        """
        customer = self._checkout.cart.customer
        if customer is None:
            raise DomainError(N_("Attach the customer first (Ctrl+U): points belong to them."))
        if self.point_value_minor <= 0 or self.per_unit <= 0:
            raise DomainError(N_("Loyalty points are off in this store's settings."))
        if not self.in_cloud:
            raise PaymentError(N_("Points are spent in the cloud: this till is not connected."))
        if any(t.kind == POINTS for t in split.tenders):
            raise PaymentError(N_("Points already pay part of this sale."))
        return customer

    def ask_points(self, customer_id: str) -> int:
        """The customer's points in the cloud (network only: a worker thread may call it).

        Raises:
            LedgerOffline: the cloud cannot be reached.
        """
        try:
            return self._ledger().balance("loyalty", customer_id)
        except LedgerNotFound:
            return 0

    def add_tender(self, split: SplitTender, held: int, points: int | None) -> Tender:
        """Put ``points`` (or as many as fit) of the ``held`` ones on ``split``; still to be
        reserved in the cloud.

        Raises:
            PaymentError: too few points.
        """
        customer = self._checkout.cart.customer
        value = self.point_value_minor
        worth = Money(held * value, split.currency)
        if held <= 0 or worth.amount_minor < value:
            raise PaymentError(N_("{name} has no points to spend yet."), name=customer.name)
        wanted = Money(points * value, split.currency) if points is not None else None
        return split.add_voucher(
            worth,
            code=customer.customer_id,
            name="Points",
            amount=wanted,
            kind=POINTS,
            step_minor=value,
        )

    def points_of(self, tender: Tender) -> int:
        """How many points a points tender spends."""
        return tender.amount_minor // self.point_value_minor

    def in_sale(self, db: SqliteDatabase, sale: Sale) -> None:
        """Inside the sale's transaction: settle points spent, queue points earned."""
        self.settle(db, sale)
        if sale.customer_id is None:
            return
        earned = self.earned_by(sale)
        if earned > 0:
            ledger_event(
                db,
                "loyalty.earned",
                sale.customer_id,
                UNIT,
                earned,
                self._clock.now(),
                sale_id=sale.sale_id,
            )

    def in_refund(self, db: SqliteDatabase, refund: Refund, currency: str, sale=None) -> None:
        """Inside the refund's transaction: give back points that paid, take back points the
        refunded goods earned."""
        now = self._clock.now()
        value = self.point_value_minor
        for t in refund.tenders:
            if t.kind == POINTS and t.reference and t.amount_minor > 0 and value > 0:
                ledger_event(
                    db,
                    "loyalty.refunded",
                    t.reference,
                    UNIT,
                    t.amount_minor // value,
                    now,
                    sale_id=refund.sale_id,
                )
        customer_id = getattr(sale, "customer_id", None)
        if customer_id is None:
            return
        goods = refund.goods_minor - sum(t.amount_minor for t in refund.tenders if t.kind == POINTS)
        taken = self.points_for(goods, currency)
        if taken > 0:
            ledger_event(
                db, "loyalty.taken_back", customer_id, UNIT, taken, now, sale_id=refund.sale_id
            )
