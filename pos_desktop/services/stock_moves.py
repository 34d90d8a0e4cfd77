"""Stock that leaves or enters the store other than by selling: waste written off (damaged,
expired, stolen, lost), transfers sent to another store, transfers received from one.

The same steps as a goods receipt: start, scan (every scan one more; a weight label its
weight), type a quantity for the chosen line, post. Posting closes the document and writes its
event to the outbox in one transaction (works offline):

* waste -> ``stock.wasted`` with the reason; posting needs a ``write_off_stock`` approval
  (the store's approval policy: a manager does it with their own PIN, others need one);
* transfer out -> ``stock.transfer_sent`` to a store of the organisation (the ``stores``
  feed); the goods are *in transit* until the other store receives them;
* transfer in -> ``stock.transfer_received`` for a transfer on its way here (the
  ``transfers`` feed); its lines start as what was sent, and are corrected by scanning.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from peewee import SqliteDatabase

from pos_desktop.domain.errors import N_, DomainError
from pos_desktop.domain.ids import new_id
from pos_desktop.domain.staff import Action
from pos_desktop.storage import outbox
from pos_desktop.storage.catalog_repo import product_names
from pos_desktop.storage.stock_move_repo import StockMoveRepository
from pos_desktop.storage.sync_repo import incoming_transfers, known_stores

from .auth import Approval, redeem
from .ports import Clock
from .stock_counts import parse_stock_quantity, scanned_product

WASTE, TRANSFER_OUT, TRANSFER_IN = "waste", "transfer_out", "transfer_in"
EVENT_TYPES = {
    WASTE: "stock.wasted",
    TRANSFER_OUT: "stock.transfer_sent",
    TRANSFER_IN: "stock.transfer_received",
}
# The till's reason codes (domain.staff, action write_off_stock) -> the cloud's waste reasons.
WASTE_REASONS = {"DAMAGED": "damaged", "EXPIRED": "expired", "THEFT": "theft", "LOST": "lost"}


@dataclass(frozen=True, slots=True)
class MovedLine:
    sku: str
    name: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class IncomingTransfer:
    transfer_id: str
    from_store: str
    lines: tuple[tuple[str, Decimal], ...]  # (sku, quantity sent)
    sent_at: str | None


class StockMoveService:
    """Every write is one ``BEGIN IMMEDIATE`` transaction (reads and write see one database)."""

    def __init__(self, db: SqliteDatabase, checkout, clock: Clock, terminal_id: str) -> None:
        self._db, self._checkout, self._clock = db, checkout, clock
        self._terminal_id = terminal_id
        self._moves = StockMoveRepository(db)

    # -- what the cloud told the till ----------------------------------------------------------

    def other_stores(self) -> list[tuple[str, str]]:
        """(store id, name) of the organisation's other stores, by name."""
        return known_stores(self._db)

    def incoming(self) -> list[IncomingTransfer]:
        """Transfers on their way to this store that this till has not received yet."""
        received = self._moves.received_transfer_ids()
        out = []
        for transfer_id, from_store, lines, sent_at in incoming_transfers(self._db):
            if transfer_id in received:
                continue
            parsed = tuple((ln["sku"], Decimal(ln["quantity"])) for ln in lines)
            out.append(IncomingTransfer(transfer_id, from_store, parsed, sent_at))
        return out

    # -- the document --------------------------------------------------------------------------

    def start(
        self, kind: str, by: str, *, reason: str | None = None, other_store_id: str | None = None
    ) -> str:
        """Start a waste write-off or a transfer out."""
        if kind == WASTE and reason not in (*WASTE_REASONS, "OTHER"):
            raise DomainError(N_("Choose why the stock is written off (damaged, expired, ...)."))
        if kind == TRANSFER_OUT:
            known = {sid for sid, _ in self.other_stores()}
            if other_store_id not in known:
                raise DomainError(
                    N_(
                        "Choose the store the goods go to (the list comes from the cloud; "
                        "connect the till once if it is empty)."
                    )
                )
        if kind not in (WASTE, TRANSFER_OUT):
            raise DomainError(N_("'{kind}' is not a stock write-off or transfer."), kind=kind)
        transfer_id = str(uuid.uuid4()) if kind == TRANSFER_OUT else None
        return self._insert(kind, by, reason, other_store_id, transfer_id)

    def receive(self, transfer_id: str, by: str) -> str:
        """Start receiving a transfer on its way here; its lines start as what was sent.

        Raises:
            DomainError: no such transfer, or it was received here already.
        """
        found = {t.transfer_id: t for t in self.incoming()}.get(transfer_id)
        if found is None:
            raise DomainError(N_("That transfer is not on its way to this store (or received)."))
        existing = self._moves.receiving(transfer_id)
        if existing:
            return existing
        move_id = self._insert(TRANSFER_IN, by, None, found.from_store, transfer_id)
        names = product_names(self._db, [sku for sku, _ in found.lines])
        with self._db.atomic("IMMEDIATE"):
            for sku, quantity in found.lines:
                self._moves.add_line(move_id, sku, names.get(sku, sku), quantity)
        return move_id

    def _insert(self, kind, by, reason, other_store_id, transfer_id) -> str:
        move_id = new_id()
        with self._db.atomic("IMMEDIATE"):
            self._moves.create(
                move_id, self._terminal_id, kind, self._clock.now(), by, reason, other_store_id,
                transfer_id,
            )  # fmt: skip
        return move_id

    def lines(self, move_id: str) -> list[MovedLine]:
        return [MovedLine(s, n, q) for s, n, q in self._moves.lines(move_id)]

    def scan(self, move_id: str, code: str) -> MovedLine:
        """One more of the scanned product (a weight label adds its weight).

        Raises:
            DomainError: the code names no product, or the document is posted.
        """
        item, quantity = scanned_product(self._checkout, self._clock, code)
        have = {line.sku: line for line in self.lines(move_id)}
        before = have[item.sku].quantity if item.sku in have else Decimal(0)
        return self.set_line(move_id, item.sku, before + quantity, name=item.name)

    def set_line(self, move_id: str, sku: str, quantity, *, name: str | None = None) -> MovedLine:
        """Set the quantity of ``sku`` (typed on the pad; 0 takes it off)."""
        qty = parse_stock_quantity(quantity)
        with self._db.atomic("IMMEDIATE"):
            self._head(move_id)
            existing = self._moves.line_name(move_id, sku)
            if existing is None:
                self._moves.add_line(move_id, sku, name or sku, qty)
                return MovedLine(sku, name or sku, qty)
            self._moves.update_line(move_id, sku, qty)
        return MovedLine(sku, existing, qty)

    def _head(self, move_id: str) -> tuple:
        row = self._moves.head(move_id)
        if row is None or row[1] != "open":
            raise DomainError(N_("This is posted already; start a new one."))
        return row

    def post(self, move_id: str, *, approval: Approval | None = None) -> list[MovedLine]:
        """Close the document and queue its event for the cloud (one transaction).

        A waste write-off takes a ``write_off_stock`` approval for this document.

        Raises:
            DomainError: nothing scanned, or posted already; ApprovalRequired: waste without a
                valid approval (nothing is changed).
        """
        kind = self._head(move_id)[0]
        lines = [line for line in self.lines(move_id) if line.quantity > 0]
        if not lines and kind != TRANSFER_IN:
            raise DomainError(N_("Nothing has been scanned yet: scan the items first."))
        approver = None
        if kind == WASTE:
            approver = redeem(approval, Action.WRITE_OFF_STOCK, move_id).approver
        else:  # the store's policy says who sends and receives goods
            approver = redeem(approval, Action.TRANSFER_STOCK).approver
        now = self._clock.now()
        with self._db.atomic("IMMEDIATE"):
            _, _, started, by, reason, other_store, transfer_id = self._head(move_id)
            self._moves.mark_posted(move_id, now, approver)
            body = {
                "terminal_id": self._terminal_id,
                "started_at": started,
                "by": by,
                "lines": [{"sku": ln.sku, "quantity": str(ln.quantity)} for ln in lines],
            }
            if kind == WASTE:
                body |= {"waste_id": move_id, "reason": WASTE_REASONS.get(reason, "other")}
                body |= {"reason_code": reason, "approved_by": approver}
            else:
                body["transfer_id"] = transfer_id
                if kind == TRANSFER_OUT:
                    body["to_store_id"] = other_store
            outbox.append_event(self._db, EVENT_TYPES[kind], body, now)
        return lines
