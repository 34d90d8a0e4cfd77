"""Loyalty points: earned on a sale with a customer attached, spent with their consent.

The rule is a store setting (``CheckoutSettings``): ``loyalty_points_per_unit`` points per 1
unit of the currency paid (0 = loyalty off), ``loyalty_group_rates`` a multiplier of it per
product group (the product's category: Coffee x2, Tobacco x0), rounded down once per sale
(``domain.loyalty_rules``), and ``loyalty_point_value_minor`` what one point is worth when
spent. A line earns on what was paid for it, after promotions and discounts. Gift cards sold
are not counted (not revenue), nor what was paid with points (taken off at the base rate).
Bonus-points promotions running at the sale's time (store time, as pricing) multiply a
line's rate and add extra points per piece (``loyalty_rules.bonus_for``; a group at x0 gets
no bonus). The rates and extras a sale earned at are kept with it, so its refund takes back
exactly what its lines earned even after the rules change.

Tiers (``loyalty_tiers``, optional) multiply every line's rate on top of that: the customer's
tier is the highest threshold their points earned in the last 365 days reach (the cloud's
``earned_365d``, asked with their points when they are attached). Offline or not yet answered:
no tier bonus. The tier's multiplier is kept per line with the sale, as the group's is.

The cloud's ledger is authoritative (docs/CUSTOMERS.md): points earned go up as
``loyalty.earned`` outbox events in the sale's transaction (offline too); spending is a
"Points" tender reserved in the cloud at once (:class:`CloudBalances`), only online. A refund
takes back the points its goods earned (``loyalty.taken_back``, never below zero in the
cloud) and gives back points it paid with (``loyalty.refunded``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from peewee import SqliteDatabase

from pos_desktop.domain.errors import N_, DomainError, LedgerNotFound, PaymentError
from pos_desktop.domain.loyalty_rules import (
    bonus_for,
    multiplier_for,
    points_earned,
    points_to_take_back,
    tier_for,
)
from pos_desktop.domain.money import Money, currency_exponent
from pos_desktop.domain.pricing import PricedCart
from pos_desktop.domain.promotions import Promotion
from pos_desktop.domain.refund import Refund
from pos_desktop.domain.sale import Sale, SaleLine
from pos_desktop.domain.tender import POINTS, SplitTender, Tender
from pos_desktop.storage import outbox
from pos_desktop.storage.loyalty_repo import (
    add_taken_back,
    categories_of,
    points_earned_by,
    sale_earning,
    save_sale_earning,
)

from .cloud_balances import CloudBalances, CloudLedgerPort, ledger_event
from .gift_cards import card_code
from .ports import Clock
from .timezones import store_time

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
        self._earned_365d: dict[str, int] = {}  # customer id -> the cloud's last answer

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

    def multipliers(self, sale: Sale, db: SqliteDatabase | None = None) -> dict[str, Decimal]:
        """line id -> the multiplier each line of ``sale`` earns at: its group's times the
        bonus promotions' running at the sale's time (gift cards: 0)."""
        return self.rates(sale, db)[0]

    def rates(
        self, sale: Sale, db: SqliteDatabase | None = None
    ) -> tuple[dict[str, Decimal], dict[str, int]]:
        """(line id -> multiplier, line id -> extra points) for ``sale``'s lines: the group
        rates of today, the bonus promotions running at the sale's store time. Gift cards
        and groups at x0 earn nothing, bonus neither."""
        lines = [(ln.line_id, ln.product_id, _pieces(ln)) for ln in sale.lines]
        return self._rates(lines, sale.completed_at, db, sale.customer_id)

    def _rates(
        self,
        lines: list[tuple[str, str, int]],
        when: datetime,
        db: SqliteDatabase | None = None,
        customer_id: str | None = None,
    ) -> tuple[dict[str, Decimal], dict[str, int]]:
        """``rates`` of (line id, product id, whole pieces) lines sold at ``when`` to
        ``customer_id`` (their tier multiplies every line)."""
        tier = self.tier(customer_id)
        by_tier = tier[1] if tier else Decimal(1)
        rates = self._checkout.checkout_settings.loyalty_group_rates
        categories = categories_of(db or self._db, (product for _, product, _ in lines))
        bonuses = self._bonus_promotions(when)
        multipliers: dict[str, Decimal] = {}
        extras: dict[str, int] = {}
        for line_id, product_id, pieces in lines:
            group = multiplier_for(categories.get(product_id), rates)
            if card_code(product_id) is not None or group == 0:
                multipliers[line_id] = Decimal(0)
                continue
            bonus, extra = bonus_for(bonuses, product_id, pieces)
            multipliers[line_id] = group * bonus * by_tier
            if extra:
                extras[line_id] = extra
        return multipliers, extras

    def cart_points(self, priced: PricedCart) -> int | None:
        """What the current cart (``priced``) earns its attached customer if paid now, bonus
        included (None: no customer or loyalty off), for the cashier's screen."""
        cart = self._checkout.cart
        if cart.customer is None or self.per_unit <= 0:
            return None
        lines = [
            (p.line_id, p.product_id, 0 if c.item.sold_by_weight else _whole(p.quantity))
            for p, c in zip(priced.lines, cart.lines, strict=True)
        ]
        multipliers, extras = self._rates(lines, self._clock.now(), None, cart.customer.customer_id)
        amounts = [(Fraction(p.amount_minor), multipliers[p.line_id]) for p in priced.lines]
        exponent = currency_exponent(priced.currency)
        return points_earned(amounts, 0, self.per_unit, exponent, sum(extras.values()))

    def _bonus_promotions(self, moment: datetime) -> list[Promotion]:
        """The bonus-points promotions running at ``moment`` (store time, as pricing)."""
        repo = getattr(self._checkout, "promotions", None)
        if repo is None:
            return []
        when = store_time(moment, self._checkout.settings.timezone)
        return [p for p in repo.promotions() if not p.changes_price and p.is_active(when)]

    def earned_by(self, sale: Sale, db: SqliteDatabase | None = None) -> int:
        """What ``sale`` earns: each line's amount paid times its multiplier (gift cards
        sold: nothing), less what points paid, at the base rate, plus the bonus promotions'
        extra points, rounded down once."""
        return self._earned(sale, *self.rates(sale, db))

    def _earned(self, sale: Sale, multipliers: dict[str, Decimal], extras: dict[str, int]) -> int:
        lines = [(Fraction(ln.amount_minor), multipliers[ln.line_id]) for ln in sale.lines]
        by_points = sum(p.amount.amount_minor for p in sale.payments if p.tender == POINTS)
        exponent = currency_exponent(sale.currency)
        return points_earned(lines, by_points, self.per_unit, exponent, sum(extras.values()))

    def earned_on(self, sale_id: str) -> int | None:
        """The points a stored sale earned its customer, bonus included (None: none)."""
        return points_earned_by(self._db, sale_id)

    def taken_back_by(self, db: SqliteDatabase, refund: Refund, currency: str, sale: Sale) -> int:
        """What ``refund`` takes back: its share of each returned line's amount (by what it
        pays back of the line) at the rates the sale earned at, less the points it gives
        back, rounded down. A whole refund takes back exactly what the sale earned; partial
        ones round down each, so together they never take back more."""
        kept = sale_earning(db, sale.sale_id)
        extras: dict[str, int] = {}
        if kept is None:  # earned before rates were kept: today's base rate, no groups
            per_unit = self.per_unit
            multipliers = {
                ln.line_id: Decimal(0) if card_code(ln.product_id) is not None else Decimal(1)
                for ln in sale.lines
            }
        else:
            per_unit, multipliers, extras = kept.per_unit, kept.multipliers, kept.extras
        sold = {ln.line_id: ln for ln in sale.lines}
        lines = []
        extra = Fraction(0)
        for r in refund.lines:
            ln = sold.get(r.line_id)
            gross = ln.amount_minor + (0 if sale.prices_include_tax else ln.tax_minor) if ln else 0
            if ln is None or gross == 0:
                continue
            part = Fraction(r.gross_minor, gross)  # how much of the line goes back
            lines.append((Fraction(ln.amount_minor) * part, multipliers.get(r.line_id, Decimal(1))))
            extra += extras.get(r.line_id, 0) * part
        by_points = sum(t.amount_minor for t in refund.tenders if t.kind == POINTS)
        return points_earned(lines, by_points, per_unit, currency_exponent(currency), extra)

    def balance(self, customer_id: str) -> PointsBalance:
        """The customer's points: the cloud's figure plus what this till has not sent yet."""
        standing = self.cloud_standing(customer_id) if self.in_cloud else None
        confirmed = None if standing is None else standing[0]
        return PointsBalance(confirmed, self.pending_points(customer_id))

    def pending_points(self, customer_id: str) -> int:
        """Points this till earned for the customer and has not sent yet (the local db)."""
        return int(outbox.pending_amount(self._db, "loyalty.earned", customer_id))

    def cloud_standing(self, customer_id: str) -> tuple[int, int] | None:
        """The cloud's (points, points earned in the last 365 days) of the customer; None
        when it cannot be reached (network only: the window asks it on its worker thread,
        then hands the answer to :meth:`remember_earned` on its own)."""
        try:
            return self._ledger().points(customer_id)
        except LedgerNotFound:
            return 0, 0
        except PaymentError:  # offline: the till knows only its own share
            return None

    def remember_earned(self, customer_id: str, earned_365d: int | None) -> None:
        """Keep the cloud's answer for the customer's tier (None: offline, no tier)."""
        if earned_365d is None:
            self._earned_365d.pop(customer_id, None)
        else:
            self._earned_365d[customer_id] = earned_365d

    def tier(self, customer_id: str | None) -> tuple[str, Decimal] | None:
        """(name, multiplier) of the customer's tier; None without tiers, below the lowest,
        or when the cloud has not told this till what they earned (offline: no tier bonus)."""
        tiers = self._checkout.checkout_settings.loyalty_tiers
        if customer_id is None or not tiers:
            return None
        return tier_for(self._earned_365d.get(customer_id), tiers)

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
        if sale.customer_id is None or self.per_unit <= 0:
            return
        multipliers, extras = self.rates(sale, db)
        earned = self._earned(sale, multipliers, extras)
        odd = {k: m for k, m in multipliers.items() if m != 1}
        save_sale_earning(db, sale.sale_id, self.per_unit, odd, earned, extras)
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
        taken = self.taken_back_by(db, refund, currency, sale)
        kept = sale_earning(db, sale.sale_id)
        if kept is not None:  # never more than the sale earned; the last refund: what is left
            taken = points_to_take_back(taken, kept.earned, kept.taken_back, refund.completes_sale)
            add_taken_back(db, sale.sale_id, taken)
        if taken > 0:
            ledger_event(
                db, "loyalty.taken_back", customer_id, UNIT, taken, now, sale_id=refund.sale_id
            )


def _pieces(line: SaleLine) -> int:
    """Whole pieces of a sold line (0 when sold by weight), as pricing counts them."""
    return 0 if line.sold_by_weight else _whole(line.quantity)


def _whole(quantity: Decimal) -> int:
    whole = int(quantity)
    return max(0, whole) if quantity == whole else 0
