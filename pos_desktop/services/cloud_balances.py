"""Spending a balance the cloud holds (a gift card, loyalty points) as a tender.

The cloud's ledger is the authority, so a till online spends there the moment the tender is
taken (the cloud answers yes for exactly one of two tills spending the last of a card):

1. ``reserve``: a ``ledger_hold`` row is committed first, then the cloud is asked to redeem
   with the tender's id as the idempotency key;
2. the sale's transaction marks the hold ``spent`` (``settle``);
3. a tender taken off, a payment dialog left with Esc, a cloud that did not answer, or a hold
   left open by a crash (found at start-up, ``recover``) is given back by a ``*.released``
   outbox event, which the cloud applies once.

Offline, nothing is spent: the cashier is told to take another tender (docs/CUSTOMERS.md).
"""

from __future__ import annotations

from typing import Protocol

from peewee import SqliteDatabase

from pos_desktop.domain.errors import N_, LedgerOffline, PaymentError
from pos_desktop.domain.ids import new_id
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.tender import SplitTender
from pos_desktop.storage import outbox
from pos_desktop.storage.ledger_hold_repo import Hold, LedgerHoldRepository

from .ports import Clock


class CloudLedgerPort(Protocol):
    """The cloud's balances (``pos_desktop.sync.ledger_client.CloudLedger``)."""

    def enabled(self) -> bool: ...
    def balance(self, kind: str, account: str) -> int: ...
    def points(self, customer_id: str) -> tuple[int, int]: ...
    def redeem(self, kind: str, account: str, amount: int, entry_id: str) -> int: ...


def ledger_event(
    db: SqliteDatabase, type_: str, account: str, unit: str, amount: int, now, **extra
) -> str:
    """Queue a ledger event (``gift_card.loaded``, ``loyalty.earned`` ...) for the cloud;
    call inside the business action's transaction."""
    payload = {"entry_id": new_id(), "account": account, "unit": unit, "amount": amount}
    payload.update({k: v for k, v in extra.items() if v is not None})
    return outbox.append_event(db, type_, payload, now)


class CloudBalances:
    """Reserve, release and settle tenders of one kind (``gift_card`` or ``loyalty``).

    Args:
        tender: the tender kind these holds pay (``GIFT_CARD`` or ``POINTS``).
    """

    def __init__(
        self,
        db: SqliteDatabase,
        ledger: CloudLedgerPort | None,
        clock: Clock,
        kind: str,
        tender: str,
    ) -> None:
        self._db = db
        self.ledger = ledger
        self._clock = clock
        self.kind = kind
        self.tender = tender
        self.holds = LedgerHoldRepository(db)

    @property
    def in_cloud(self) -> bool:
        """True when this till's balances live in the cloud (it is enrolled)."""
        return self.ledger is not None and self.ledger.enabled()

    def _ledger(self) -> CloudLedgerPort:
        if self.ledger is None:
            raise LedgerOffline(N_("This till has no cloud: take another tender."))
        return self.ledger

    def reserve(
        self, split: SplitTender, tender_id: str, account: str, unit: str, amount: int
    ) -> int:
        """Spend ``amount`` of ``account`` in the cloud for the tender just added to ``split``;
        the balance left. On any failure the tender is taken off ``split`` again.

        Raises:
            PaymentError: the cloud refused (too little left, unknown); LedgerOffline: no
                answer (a release is queued in case the request did arrive).
        """
        self.begin_reserve(tender_id, account, unit, amount)
        left, failure = None, None
        try:
            left = self.ask_redeem(account, amount, tender_id)
        except PaymentError as err:  # LedgerOffline too
            failure = err
        return self.finish_reserve(split, tender_id, left, failure)

    # The three steps of ``reserve``, for a window that waits for the cloud off its thread:
    # the first and last touch the till's db and ``split`` (GUI thread), the middle one only
    # the network (a worker thread).

    def begin_reserve(self, tender_id: str, account: str, unit: str, amount: int) -> None:
        """Record the redemption about to be asked for (committed before the request)."""
        hold = Hold(tender_id, self.kind, account, unit, amount, None, "reserving")
        self.holds.begin(hold, self._clock.now())

    def ask_redeem(self, account: str, amount: int, tender_id: str) -> int:
        """The request itself (network only, no db, no ``split``): the balance left."""
        return self._ledger().redeem(self.kind, account, amount, tender_id)

    def finish_reserve(
        self, split: SplitTender, tender_id: str, left: int | None, err: Exception | None = None
    ) -> int:
        """Apply the cloud's answer: ``left`` (the balance after) or ``err``.

        Raises:
            PaymentError: refused, or the hold was given back meanwhile (the cashier stopped
                waiting); LedgerOffline: no answer (released, in case it did arrive).
        """
        on_split = any(t.tender_id == tender_id for t in split.tenders)
        if err is not None:
            if on_split:
                split.remove(tender_id)
            if isinstance(err, PaymentError) and not isinstance(err, LedgerOffline):
                self.holds.set_state(tender_id, "refused", self._clock.now())
            else:
                self.release(tender_id)
            raise err
        assert left is not None
        if not on_split or not self.holds.set_state(
            tender_id, "reserved", self._clock.now(), balance_after=left
        ):
            # Answered after the cashier stopped waiting: the release queued then gives it back.
            self.release(tender_id)
            if on_split:
                split.remove(tender_id)
            raise PaymentError(N_("The cloud answered too late: the card was given back."))
        split.set_balance_left(tender_id, left)
        return left

    def release(self, entry_id: str) -> bool:
        """Give an open hold back (the state change and its outbox event in one transaction);
        False when it was not open."""
        hold = self.holds.get(entry_id)
        if hold is None:
            return False
        now = self._clock.now()
        with self._db.atomic("IMMEDIATE"):
            if not self.holds.set_state(entry_id, "released", now):
                return False
            if hold.state == "offline":  # nothing was asked of the cloud: nothing to give back
                return True
            ledger_event(
                self._db,
                f"{hold.kind}.released",
                hold.account,
                hold.unit,
                0,
                now,
                reverses=entry_id,
            )
        return True

    def release_open(self, split: SplitTender) -> int:
        """Give back every cloud tender on ``split`` (the payment was abandoned)."""
        released = 0
        for tender in split.tenders:
            if tender.kind == self.tender and self.release(tender.tender_id):
                released += 1
        return released

    def remove(self, split: SplitTender, tender_id: str) -> None:
        """Take a tender off ``split``, giving its cloud hold back."""
        split.remove(tender_id)
        self.release(tender_id)

    def recover(self) -> int:
        """Release the holds a crash left open (at start-up: no payment is in progress)."""
        return sum(
            1
            for hold in self.holds.open_holds()
            if hold.kind == self.kind and self.release(hold.entry_id)
        )

    def spent_offline(self, db: SqliteDatabase, payment, sale: Sale) -> None:
        """A tender taken offline was sold (inside the sale's transaction)."""
        raise PaymentError(
            N_("{reference} cannot be spent offline: take another tender."),
            reference=payment.reference,
        )

    def settle(self, db: SqliteDatabase, sale: Sale) -> None:
        """Mark this sale's cloud tenders spent (inside the sale's transaction).

        Raises:
            PaymentError: a tender's hold is no longer open (given back meanwhile): the sale
                rolls back and the cashier takes that tender again.
        """
        now = self._clock.now()
        for p in sale.payments:
            if p.tender != self.tender:
                continue
            if self.holds.set_state(
                p.payment_id, "spent", now, sale_id=sale.sale_id, only_from=("offline",)
            ):
                self.spent_offline(db, p, sale)
                continue
            if not self.holds.set_state(
                p.payment_id, "spent", now, sale_id=sale.sale_id, only_from=("reserved",)
            ):
                raise PaymentError(
                    N_("The {reference} payment was given back meanwhile: take it again."),
                    reference=p.reference,
                )
