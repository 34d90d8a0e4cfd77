"""Gift cards at the till: sell (load or top up), check the balance, pay with one, refund.

Enrolled with a cloud, the card's balance is the cloud's ledger (docs/CUSTOMERS.md):

* selling puts a "Gift card CODE" line in the cart at 0 % tax (a gift card is money kept for
  the customer, not revenue); when the sale is stored, a ``gift_card.loaded`` event for what
  the line was paid goes into the outbox in the sale's transaction, so a card sold offline is
  loaded when the till is back;
* paying spends in the cloud at once (:class:`CloudBalances`); offline a card cannot be spent;
* a refund of a sale paid by gift card puts the money back on that card
  (``gift_card.refunded``).

A till that is not enrolled keeps the older local vouchers (``gift_voucher`` table) instead.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from peewee import SqliteDatabase

from pos_desktop.domain.catalog import CatalogItem
from pos_desktop.domain.errors import N_, DomainError, LedgerNotFound, LedgerOffline, PaymentError
from pos_desktop.domain.money import Money
from pos_desktop.domain.refund import Refund
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.tax import TaxRate
from pos_desktop.domain.tender import GIFT_CARD, VOUCHER, SplitTender, Tender
from pos_desktop.storage import outbox
from pos_desktop.storage.ledger_hold_repo import Hold

from .cloud_balances import CloudBalances, CloudLedgerPort, ledger_event
from .ports import Clock

GIFT_CARD_PREFIX = "gift-card:"  # a sold card's line: product id = prefix + code
NO_TAX = TaxRate("GC", "Gift card (not revenue)", Decimal(0))
MAX_CODE = 64


def normal_code(code: str) -> str:
    """A card's code as the cloud stores it (trimmed, upper case).

    Raises:
        DomainError: empty or too long.
    """
    text = code.strip().upper()
    if not text:
        raise DomainError(N_("Scan or type the gift card's code first."))
    if len(text) > MAX_CODE:
        raise DomainError(
            N_("A gift card code has at most {MAX_CODE} characters: scan it again."),
            MAX_CODE=MAX_CODE,
        )
    return text


def card_code(line_product_id: str) -> str | None:
    """The code a sold gift-card line loads, or None for any other line."""
    if line_product_id.startswith(GIFT_CARD_PREFIX):
        return line_product_id[len(GIFT_CARD_PREFIX) :]
    return None


class GiftCardService(CloudBalances):
    """Wired by the container; ``checkout`` calls :meth:`in_sale` and :meth:`in_refund`."""

    def __init__(
        self, db: SqliteDatabase, checkout, ledger: CloudLedgerPort | None, clock: Clock
    ) -> None:
        super().__init__(db, ledger, clock, "gift_card", GIFT_CARD)
        self._checkout = checkout
        # tender id -> the offline limit it used up ("card" / "till"), until its sale is stored
        self._offline_limits: dict[str, str | None] = {}

    @property
    def currency(self) -> str:
        return self._checkout.settings.currency

    def balance(self, code: str) -> Money:
        """The card's balance: the cloud's when enrolled, else the local voucher's.

        Raises:
            PaymentError: no such card, or the cloud cannot be reached (LedgerOffline).
        """
        code = normal_code(code)
        if not self.in_cloud:
            return self._checkout.voucher_balance(code)
        try:
            return Money(self._ledger().balance("gift_card", code), self.currency)
        except LedgerNotFound as err:
            raise LedgerNotFound(
                N_("No gift card has code {code}: check the code."), code=code
            ) from err

    def new_code(self) -> str:
        """A fresh code for a card the till hands out (store credit): ``SC-`` and ten
        random letters and digits, unguessable."""
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud safely
        return "SC-" + "".join(secrets.choice(alphabet) for _ in range(10))

    def store_credit_kind(self) -> str:
        """The tender a refund onto a gift card is: the cloud's card, or a local voucher."""
        return GIFT_CARD if self.in_cloud else VOUCHER

    def sell(self, code: str, amount: Money) -> None:
        """Put a gift card loaded with ``amount`` on the current sale (loaded once it is paid).

        Raises:
            DomainError: a bad code or amount, or the card is already on this sale.
        """
        code = normal_code(code)
        if amount.currency != self.currency or amount.amount_minor <= 0:
            raise DomainError(N_("Type the amount to load onto the card (more than zero)."))
        cart = self._checkout.cart
        if any(card_code(line.item.product_id) == code for line in cart.lines):
            raise DomainError(
                N_("Gift card {code} is already on this sale: remove it to change it."), code=code
            )
        item = CatalogItem(
            product_id=GIFT_CARD_PREFIX + code,
            sku="",
            name=f"Gift card {code}",
            unit_price_minor=amount.amount_minor,
            currency=amount.currency,
            tax_rate=NO_TAX,
        )
        cart.add(item, 1)

    def take(self, split: SplitTender, code: str, amount: Money | None = None) -> Tender:
        """Pay with a card: ``amount``, or as much as it holds up to what is due.

        Raises:
            PaymentError: unknown card, too little on it, the cloud refused or is offline
                (the tender is then not on ``split``).
        """
        code = self.check_code(split, code)
        try:
            balance = self.balance(code)
        except LedgerOffline:
            return self.take_offline(split, code, amount)
        tender = self.add_tender(split, code, balance, amount)
        if tender.kind != GIFT_CARD:  # a local voucher: nothing to ask the cloud
            return tender
        self.begin_reserve(tender.tender_id, code, self.currency, tender.amount_minor)
        left, failure = None, None
        try:
            left = self.ask_redeem(code, tender.amount_minor, tender.tender_id)
        except PaymentError as err:
            failure = err
        self.finish_reserve(split, tender.tender_id, left, failure)
        return next(t for t in split.tenders if t.tender_id == tender.tender_id)

    # ``take`` in steps, for the payment window, which asks the cloud off its thread:
    # check_code, ask_balance (network), add_tender + begin_reserve, ask_redeem (network),
    # finish_reserve; take_offline when ask_balance raised LedgerOffline.

    def check_code(self, split: SplitTender, code: str) -> str:
        """The card's code, once it may pay this sale.

        Raises:
            DomainError: a bad code, the card is already on the sale or sold in it.
        """
        code = normal_code(code)
        if any((t.reference or "").upper() == code for t in split.tenders):
            raise PaymentError(N_("Gift card {code} is already on this sale."), code=code)
        if any(card_code(line.item.product_id) == code for line in self._checkout.cart.lines):
            raise PaymentError(
                N_("Gift card {code} is being sold in this sale: it cannot pay it."), code=code
            )
        return code

    def ask_balance(self, code: str) -> Money:
        """The cloud's balance of the card (network only: a worker thread may call it).

        Raises:
            PaymentError: no such card; LedgerOffline: the cloud cannot be reached.
        """
        try:
            return Money(self._ledger().balance("gift_card", code), self.currency)
        except LedgerNotFound as err:
            raise LedgerNotFound(
                N_("No gift card has code {code}: check the code."), code=code
            ) from err

    def add_tender(
        self, split: SplitTender, code: str, balance: Money, amount: Money | None
    ) -> Tender:
        """Put the card on ``split`` for ``amount`` (or what it can pay); a cloud card's tender
        still has to be reserved (``begin_reserve`` ...).

        Raises:
            PaymentError: nothing left on it, or ``amount`` is more than it holds.
        """
        if balance.amount_minor <= 0:
            raise PaymentError(N_("Gift card {code} has nothing left on it."), code=code)
        if not self.in_cloud:
            return split.add_voucher(balance, code=code, amount=amount)
        return split.add_voucher(
            balance, code=code, name="Gift card", amount=amount, kind=GIFT_CARD
        )

    def offline_used(self, code: str) -> int:
        """What this till spent of the card offline and has not sent to the cloud yet."""
        return outbox.pending_amount(self._db, "gift_card.redeemed_offline", code)

    def take_offline(self, split: SplitTender, code: str, amount: Money | None) -> Tender:
        """The cloud cannot be reached: spend up to the owner's offline limit for this card at
        this till (0: not at all), and within the till's total for all cards until it syncs
        (0: no total). The cloud takes it off the card when the sale arrives, at most what the
        card still holds, and reports any difference and which limit was reached."""
        settings = self._checkout.checkout_settings
        limit = settings.gift_card_offline_limit_minor
        if limit <= 0:
            raise LedgerOffline(
                N_(
                    "The cloud cannot be reached, so the gift card cannot be checked or "
                    "spent: take another tender."
                )
            )
        room = limit - self.offline_used(code)
        if room <= 0:
            raise PaymentError(
                N_(
                    "Gift card {code} was already spent offline up to this till's limit "
                    "({limit}): take another tender."
                ),
                code=code,
                limit=Money(limit, self.currency),
            )
        till_limit = settings.gift_card_offline_till_limit_minor
        reached = "card"
        if till_limit > 0:
            till_room = till_limit - self.till_offline_used()
            if till_room <= 0:
                raise PaymentError(
                    N_(
                        "This till already spent {limit} of gift cards offline, this till's "
                        "offline limit for all gift cards until it reaches the cloud again: "
                        "take another tender."
                    ),
                    limit=Money(till_limit, self.currency),
                )
            if till_room < room:
                room, reached = till_room, "till"
        tender = split.add_voucher(
            Money(room, self.currency),
            code=code,
            name="Gift card (offline)",
            amount=amount,
            kind=GIFT_CARD,
        )
        hold = Hold(
            tender.tender_id, "gift_card", code, self.currency, tender.amount_minor, None, "offline"
        )
        self.holds.begin(hold, self._clock.now())
        self._offline_limits[tender.tender_id] = reached if tender.amount_minor == room else None
        return tender

    def till_offline_used(self) -> int:
        """What this till spent of all gift cards offline and has not sent to the cloud yet,
        with the offline tenders of a payment in progress."""
        return outbox.pending_total(
            self._db, "gift_card.redeemed_offline"
        ) + self.holds.offline_open_amount("gift_card")

    def spent_offline(self, db: SqliteDatabase, payment, sale: Sale) -> None:
        """The sale of a card taken offline: the cloud takes it off when this arrives. The
        event says which limit the tender reached (for the owner's report) and how much of
        the till's total it has used."""
        settings = self._checkout.checkout_settings
        till_used = outbox.pending_total(db, "gift_card.redeemed_offline")
        till_used += payment.amount.amount_minor
        ledger_event(
            db,
            "gift_card.redeemed_offline",
            payment.reference,
            sale.currency,
            payment.amount.amount_minor,
            self._clock.now(),
            sale_id=sale.sale_id,
            card_limit=settings.gift_card_offline_limit_minor,
            till_limit=settings.gift_card_offline_till_limit_minor,
            till_used=till_used,
            limit_reached=self._offline_limits.pop(payment.payment_id, None),
        )

    def in_sale(self, db: SqliteDatabase, sale: Sale) -> None:
        """Inside the sale's transaction: settle card payments and load the cards sold."""
        self.settle(db, sale)
        now = self._clock.now()
        for line in sale.lines:
            code = card_code(line.product_id)
            if code is None:
                continue
            if self.in_cloud:
                ledger_event(
                    db,
                    "gift_card.loaded",
                    code,
                    sale.currency,
                    line.amount_minor,
                    now,
                    sale_id=sale.sale_id,
                )
            else:
                self._checkout.vouchers.load(code, Money(line.amount_minor, sale.currency), now)

    def in_refund(self, db: SqliteDatabase, refund: Refund, currency: str, sale=None) -> None:
        """Inside the refund's transaction: money refunded to a card goes back on it."""
        now = self._clock.now()
        for t in refund.tenders:
            if t.kind == GIFT_CARD and t.reference and t.amount_minor > 0:
                ledger_event(
                    db,
                    "gift_card.refunded",
                    t.reference,
                    currency,
                    t.amount_minor,
                    now,
                    sale_id=refund.sale_id or None,
                )
