"""Card payments on a terminal: saved before sending, never re-sent, completed only on approval.

Order of events for one payment:

1. ``begin()`` saves a ``pending`` row with the cart as it was priced, in its own transaction,
   before a single byte goes to the terminal.
2. ``run()`` (on the terminal's own thread) sends it and waits for the customer.
3. ``settle()`` (on the GUI thread) applies the result: an approval stores the sale and marks the
   payment ``approved`` in ONE transaction; a decline or cancel leaves the cart for another tender;
   a lost answer becomes ``unknown``.
4. An ``unknown`` (or a ``pending`` row left by a crash) is put to the cashier, who reads the
   terminal's own ticket: ``resolve(approved=True)`` stores the sale from the saved cart.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from peewee import SqliteDatabase

from hardware.terminals.base import PaymentOutcome, PaymentRequest, PaymentResult, PaymentTerminal
from pos_desktop.domain.cart import Cart
from pos_desktop.domain.cart_snapshot import (
    cart_from_snapshot,
    cart_to_snapshot,
    priced_from_snapshot,
    priced_to_snapshot,
)
from pos_desktop.domain.errors import N_, DomainError
from pos_desktop.domain.ids import new_id
from pos_desktop.domain.money import Money
from pos_desktop.domain.payment import Payment
from pos_desktop.domain.pricing import PricedCart
from pos_desktop.domain.sale import Sale
from pos_desktop.storage import journal
from pos_desktop.storage.card_payment_repo import CardPaymentRepository, CardPaymentRow
from pos_desktop.storage.codec import canonical_json

from .checkout import CheckoutService
from .i18n import _
from .ports import Clock

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CardAttempt:
    """A saved card payment. With split tender the card is the last tender: ``earlier`` are
    the tenders already taken and ``rounding_minor`` their cash rounding."""

    payment_id: str
    reference: str
    amount: Money
    cart: Cart
    earlier: tuple[Payment, ...] = ()
    rounding_minor: int = 0
    priced: PricedCart | None = None


@dataclass(frozen=True, slots=True)
class CardSettlement:
    """What happened: ``sale`` is set only when the payment was approved and the sale stored."""

    outcome: str  # approved | declined | cancelled | unknown
    message: str
    sale: Sale | None = None


def card_label(
    brand: str | None, last4: str | None, auth: str | None, reference: str | None = None
) -> str:
    """``VISA ****7892 auth 123456``: at most the last four digits, ever.

    The brand is printed in capitals as on the card. Without an authorisation code (a Concert
    V2 answer carries none) the payment ``reference`` the terminal echoed is printed instead,
    so the receipt can be matched with the terminal's own ticket.
    """
    parts = [brand.upper() if brand else "Card"]
    if last4:
        parts.append(f"****{last4[-4:]}")
    if auth:
        parts.append(f"auth {auth}")
    elif reference:
        parts.append(f"ref {reference}")
    return " ".join(parts)


class CardPaymentService:
    def __init__(
        self,
        db: SqliteDatabase,
        terminal: PaymentTerminal | None,
        checkout: CheckoutService,
        clock: Clock,
    ) -> None:
        self._db = db
        self._terminal = terminal
        self._checkout = checkout
        self._clock = clock
        self._repo = CardPaymentRepository(db)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="terminal")

    @property
    def available(self) -> bool:
        return self._terminal is not None

    def begin(
        self,
        amount: Money | None = None,
        earlier: tuple[Payment, ...] = (),
        *,
        rounding_minor: int = 0,
    ) -> CardAttempt:
        """Save the payment (with the cart, its pricing and the earlier tenders) before
        anything is sent.

        Args:
            amount: what the card pays; it must be exactly the rest due (the card is the last
                tender). Default: the whole total.
            earlier: tenders already taken for this sale (cash, vouchers, other).
            rounding_minor: the cash rounding of the earlier tenders.

        Raises:
            DomainError: no terminal, an empty cart, a wrong amount, or an unresolved earlier
                payment.
        """
        if self._terminal is None:
            raise DomainError(N_("No card terminal is configured; take another tender."))
        cart = self._checkout.cart
        if cart.is_empty:
            raise DomainError(N_("The cart is empty: scan an item first."))
        if self._repo.open_payments():
            raise DomainError(N_("An earlier card payment is still unresolved: settle it first."))
        self._checkout.current_shift_id()  # never charge a card for a sale no shift can hold
        priced = self._checkout.price(cart)
        rest = priced.total_minor + rounding_minor - sum(p.amount.amount_minor for p in earlier)
        total = amount or Money(rest, priced.currency)
        if total.amount_minor <= 0:
            raise DomainError(N_("Nothing to pay by card."))
        if total.amount_minor != rest:
            raise DomainError(
                N_(
                    "The card must pay exactly the rest due ({rest}); the card is always "
                    "the last tender."
                ),
                rest=Money(rest, priced.currency),
            )
        payment_id = new_id()
        reference = payment_id.replace("-", "")[:10].upper()
        now = self._clock.now()
        data = cart_to_snapshot(cart)
        data["priced"] = priced_to_snapshot(priced)
        data["earlier_payments"] = [p.to_json() for p in earlier]
        data["rounding_minor"] = rounding_minor
        snapshot = canonical_json(data)
        with self._db.atomic("IMMEDIATE"):
            self._repo.insert_pending(
                payment_id,
                reference,
                "purchase",
                total.amount_minor,
                total.currency,
                snapshot,
                self._checkout.cashier,
                now,
            )
            journal.append(
                self._db,
                "card.requested",
                payment_id,
                {
                    "reference": reference,
                    "amount_minor": total.amount_minor,
                    "currency": total.currency,
                },
                now,
            )
        return CardAttempt(
            payment_id, reference, total, cart, tuple(earlier), rounding_minor, priced
        )

    def run(
        self, attempt: CardAttempt, on_progress: Callable[[str], None] | None = None
    ) -> Future[PaymentResult]:
        """Send the saved payment on the terminal's thread; the future never raises for
        a payment that may have reached the terminal (the driver returns UNKNOWN instead)."""
        request = PaymentRequest(
            amount_minor=attempt.amount.amount_minor,
            currency=attempt.amount.currency,
            reference=attempt.reference,
        )

        terminal = self._terminal
        assert terminal is not None, "no card terminal is configured"

        def send() -> PaymentResult:
            try:
                return terminal.pay(request, on_progress=on_progress)
            except Exception as err:  # a driver bug must not look like "not charged"
                return PaymentResult(
                    PaymentOutcome.UNKNOWN,
                    request.amount_minor,
                    request.currency,
                    request.reference,
                    message=f"The terminal driver failed ({err}).",
                )

        return self._thread.submit(send)

    def settle(self, attempt: CardAttempt, result: PaymentResult) -> CardSettlement:
        """Apply the terminal's answer (GUI/core thread)."""
        now = self._clock.now()
        details = dict(
            card_brand=result.card_brand,
            last4=result.last4,
            auth_code=result.auth_code,
            terminal_reference=result.terminal_reference,
            receipt_text=result.receipt_text,
            message=result.message,
        )
        if result.outcome is PaymentOutcome.APPROVED:
            if result.amount_minor != attempt.amount.amount_minor:
                self._mark(attempt.payment_id, "unknown", now, **details)
                return CardSettlement(
                    "unknown",
                    _(
                        "The terminal approved a different amount; "
                        "check its ticket and resolve the payment."
                    ),
                )
            label = card_label(result.card_brand, result.last4, result.auth_code, attempt.reference)
            sale = self._complete(attempt, label, "approved", details)
            return CardSettlement(
                "approved", _("Card approved: {label}.").format(label=label), sale
            )
        status = str(result.outcome)
        self._mark(attempt.payment_id, status, now, **details)
        if result.outcome is PaymentOutcome.UNKNOWN:
            return CardSettlement("unknown", result.message or _("The outcome is unknown."))
        return CardSettlement(
            status, result.message or _("Card payment {status}.").format(status=status)
        )

    def open_payments(self) -> list[CardPaymentRow]:
        """Payments whose outcome the till does not know (unknown, or pending after a crash)."""
        return self._repo.open_payments()

    def resolve(
        self,
        payment_id: str,
        *,
        approved: bool,
        resolved_by: str | None = None,
        auth_code: str | None = None,
    ) -> CardSettlement:
        """The cashier read the terminal's ticket. Approved: the sale is stored from the cart
        saved with the payment (restoring it if the till restarted)."""
        row = self._repo.get(payment_id)
        if row is None or row.status not in ("pending", "unknown"):
            raise DomainError(N_("That card payment is already settled."))
        now = self._clock.now()
        if not approved:
            self._mark(
                payment_id,
                "declined",
                now,
                resolved_by=resolved_by,
                message="resolved as not approved from the terminal ticket",
            )
            return CardSettlement("declined", _("Recorded as not approved: take another tender."))
        attempt = self._attempt_from_row(row)
        label = card_label(row.card_brand, row.last4, auth_code or row.auth_code, row.reference)
        sale = self._complete(
            attempt, label, "approved", {"resolved_by": resolved_by, "auth_code": auth_code}
        )
        return CardSettlement(
            "approved", _("Recorded as approved: {label}.").format(label=label), sale
        )

    def _attempt_from_row(self, row: CardPaymentRow) -> CardAttempt:
        """The attempt as saved before sending (after a restart, or the cart on screen)."""
        data = json.loads(row.cart_snapshot)
        cart = cart_from_snapshot(data)
        current = self._checkout.cart
        if [ln.line_id for ln in current.lines] == [ln.line_id for ln in cart.lines]:
            cart = current  # the same sale is still on screen: sell (and clear) that one
        priced = priced_from_snapshot(data["priced"]) if "priced" in data else None
        earlier = tuple(
            Payment.from_json(p, row.currency) for p in data.get("earlier_payments", ())
        )
        return CardAttempt(
            row.id,
            row.reference,
            Money(row.amount_minor, row.currency),
            cart,
            earlier,
            data.get("rounding_minor", 0),
            priced,
        )

    def _complete(self, attempt: CardAttempt, label, status, details) -> Sale:
        amount = attempt.amount
        payment = Payment(
            tender="card",
            amount=amount,
            tendered=amount,
            change=Money.zero(amount.currency),
            payment_id=attempt.payment_id,
            reference=label,
        )

        def mark(db, sale):
            self._repo.record_result(
                attempt.payment_id, status, now=sale.completed_at, sale_id=sale.sale_id, **details
            )

        return self._checkout.complete_sale(
            (*attempt.earlier, payment),
            cart=attempt.cart,
            within=mark,
            priced=attempt.priced,
            rounding_minor=attempt.rounding_minor,
        )

    def _mark(self, payment_id: str, status: str, now, **details) -> None:
        with self._db.atomic():
            self._repo.record_result(payment_id, status, now=now, **details)
            journal.append(
                self._db,
                f"card.{status}",
                payment_id,
                {"status": status, "message": details.get("message")},
                now,
            )

    def replace_terminal(self, terminal: PaymentTerminal | None) -> Future[None]:
        """Use another terminal (or none) from now on; the Devices screen saved it.

        The swap waits on the terminal's thread behind a payment in progress, so a running
        payment finishes on the terminal it started on.
        """

        def swap() -> None:
            old, self._terminal = self._terminal, terminal
            closer = getattr(old, "close", None)
            if old is not terminal and closer is not None:
                try:
                    closer()
                except Exception as err:  # a terminal that is gone may fail to close
                    log.warning("closing the previous terminal: %s", err)

        return self._thread.submit(swap)

    def close(self) -> None:
        self._thread.shutdown(wait=False, cancel_futures=True)
        closer = getattr(self._terminal, "close", None)
        if closer:
            closer()
