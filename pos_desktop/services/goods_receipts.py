"""Receiving goods at the till: scan what arrived, set quantities and unit costs, post.

Free-form, or against one of the store's open purchase orders (the ``purchase_orders`` feed):
then the receipt starts with each line's outstanding quantity (ordered, less received in the
cloud, less what this till received and has not synced yet) and the order's unit costs, and
the scans and typed quantities correct it. A receipt names the supplier and the delivery note;
a delivery that comes in parts is received as several receipts (the cloud closes the order's
lines as they are received in full). Posting writes a ``goods.received`` event in the same
transaction (the cloud's stock ledger takes it from there).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from peewee import SqliteDatabase

from pos_desktop.domain.errors import N_, DomainError
from pos_desktop.domain.ids import new_id
from pos_desktop.domain.money import Money
from pos_desktop.domain.staff import Action
from pos_desktop.storage import outbox, stock_repo
from pos_desktop.storage.catalog_repo import product_names
from pos_desktop.storage.goods_receipt_repo import GoodsReceiptRepository
from pos_desktop.storage.sync_repo import open_purchase_orders

from .auth import Approval, redeem
from .ports import Clock
from .stock_counts import parse_stock_quantity, scanned_product

GOODS_RECEIVED = "goods.received"


@dataclass(frozen=True, slots=True)
class ReceivedLine:
    sku: str
    name: str
    quantity: Decimal
    unit_cost_minor: int | None


@dataclass(frozen=True, slots=True)
class OpenOrder:
    order_id: str
    number: int
    supplier: str
    expected_date: str | None
    outstanding: tuple[tuple[str, Decimal, int | None], ...]  # (sku, quantity, unit cost)


@dataclass(frozen=True, slots=True)
class LowStock:
    """A product the cloud found at or below its reorder point, with on hand at this till."""

    sku: str
    name: str
    on_hand: Decimal | None


class GoodsReceiptService:
    def __init__(self, db: SqliteDatabase, checkout, clock: Clock, terminal_id: str) -> None:
        self._db, self._checkout, self._clock = db, checkout, clock
        self._terminal_id = terminal_id
        self._receipts = GoodsReceiptRepository(db)

    def low_stock(self) -> list[LowStock]:
        """The products low on stock (the cloud's restock check, through the ``stock`` feed),
        by name, each with on hand as this till knows it (its unsynced sales included)."""
        return [
            LowStock(sku, name, stock_repo.on_hand(self._db, sku).quantity)
            for sku, name in stock_repo.low_skus(self._db)
        ]

    def open_orders(self) -> list[OpenOrder]:
        """The store's open purchase orders with what is still to come, by number."""
        out = []
        for order_id, number, supplier, expected, lines in open_purchase_orders(self._db):
            here = outbox.unsent_receipts_for_order(self._db, order_id)
            left = []
            for line in lines:
                sku = line["sku"]
                rest = Decimal(line["ordered"]) - Decimal(line["received"]) - here.get(sku, 0)
                if rest > 0:
                    left.append((sku, rest, line.get("unit_cost_minor")))
            out.append(OpenOrder(order_id, number, supplier, expected, tuple(left)))
        return out

    def start(
        self,
        by: str,
        supplier: str = "",
        delivery_note: str = "",
        *,
        approval: Approval | None = None,
        purchase_order: OpenOrder | None = None,
    ) -> str:
        """Open a delivery to receive, using up a ``RECEIVE_GOODS`` approval; against
        ``purchase_order`` it starts with what is outstanding.

        Raises:
            ApprovalRequired: without a valid approval (the store's policy decides who receives).
        """
        redeem(approval, Action.RECEIVE_GOODS)
        receipt_id = new_id()
        if purchase_order is not None:
            supplier = supplier.strip() or purchase_order.supplier
            names = product_names(self._db, [sku for sku, _, _ in purchase_order.outstanding])
        with self._db.atomic("IMMEDIATE"):
            self._receipts.create(
                receipt_id,
                self._terminal_id,
                self._clock.now(),
                by,
                supplier.strip()[:120] or None,
                delivery_note.strip()[:60] or None,
                purchase_order.order_id if purchase_order else None,
            )
            for sku, qty, cost in purchase_order.outstanding if purchase_order else ():
                self._receipts.add_line(receipt_id, sku, names.get(sku, sku), qty, cost)
        return receipt_id

    def lines(self, receipt_id: str) -> list[ReceivedLine]:
        return [ReceivedLine(*row) for row in self._receipts.lines(receipt_id)]

    def scan(self, receipt_id: str, code: str) -> ReceivedLine:
        """One more of the scanned product (a weight label adds its weight).

        Raises:
            DomainError: the code names no product.
        """
        item, quantity = scanned_product(self._checkout, self._clock, code)
        have = {line.sku: line for line in self.lines(receipt_id)}
        before = have[item.sku].quantity if item.sku in have else Decimal(0)
        return self.set_line(receipt_id, item.sku, before + quantity, name=item.name)

    def set_line(
        self, receipt_id: str, sku: str, quantity, *, unit_cost: str | None = None, name=None
    ) -> ReceivedLine:
        """Set the quantity (and, when given, the unit cost typed as an amount) of ``sku``."""
        qty = parse_stock_quantity(quantity)
        cost = None
        if unit_cost is not None and unit_cost.strip():
            cost = Money.parse(unit_cost, self._checkout.settings.currency).amount_minor
        self._require_open(receipt_id)
        row = self._receipts.line(receipt_id, sku)
        with self._db.atomic("IMMEDIATE"):
            if row is None:
                self._receipts.add_line(receipt_id, sku, name or sku, qty, cost)
                return ReceivedLine(sku, name or sku, qty, cost)
            cost = cost if cost is not None else row[1]
            self._receipts.update_line(receipt_id, sku, qty, cost)
        return ReceivedLine(sku, row[0], qty, cost)

    def _require_open(self, receipt_id: str) -> None:
        if self._receipts.status(receipt_id) != "open":
            raise DomainError(N_("This receipt is posted already; start a new one."))

    def post(self, receipt_id: str) -> list[ReceivedLine]:
        """Close the receipt and queue it for the cloud (one transaction).

        Raises:
            DomainError: nothing received, or posted already.
        """
        lines = [line for line in self.lines(receipt_id) if line.quantity > 0]
        if not lines:
            raise DomainError(N_("Nothing has been received yet: scan the items first."))
        self._require_open(receipt_id)
        now = self._clock.now()
        head = self._receipts.head(receipt_id)
        with self._db.atomic("IMMEDIATE"):
            self._receipts.mark_posted(receipt_id, now)
            outbox.append_event(
                self._db,
                GOODS_RECEIVED,
                {
                    "receipt_id": receipt_id,
                    "terminal_id": self._terminal_id,
                    "started_at": head[0],
                    "received_by": head[1],
                    "supplier": head[2],
                    "delivery_note": head[3],
                    "purchase_order_id": head[4],
                    "currency": self._checkout.settings.currency,
                    "lines": [
                        {
                            "sku": ln.sku,
                            "quantity": str(ln.quantity),
                            "unit_cost_minor": ln.unit_cost_minor,
                        }
                        for ln in lines
                    ],  # fmt: skip
                },
                now,
            )
        return lines
