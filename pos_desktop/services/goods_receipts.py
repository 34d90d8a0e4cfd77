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

import json
from dataclasses import dataclass
from decimal import Decimal

from peewee import SqliteDatabase

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.ids import new_id
from pos_desktop.domain.money import Money
from pos_desktop.storage import outbox
from pos_desktop.storage.codec import utc_text

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


# What this till received against each order and has not handed to the cloud yet.
_UNSYNCED_SQL = (
    "SELECT json_extract(l.value, '$.sku'), json_extract(l.value, '$.quantity') "
    "FROM outbox o, json_each(o.payload, '$.lines') l WHERE o.status = 'pending' "
    "AND o.type = 'goods.received' AND json_extract(o.payload, '$.purchase_order_id') = ?"
)


class GoodsReceiptService:
    def __init__(self, db: SqliteDatabase, checkout, clock: Clock, terminal_id: str) -> None:
        self._db, self._checkout, self._clock = db, checkout, clock
        self._terminal_id = terminal_id

    def open_orders(self) -> list[OpenOrder]:
        """The store's open purchase orders with what is still to come, by number."""
        rows = self._db.execute_sql(
            "SELECT id, number, supplier, expected_date, lines FROM purchase_order ORDER BY number"
        ).fetchall()
        out = []
        for order_id, number, supplier, expected, lines in rows:
            here: dict[str, Decimal] = {}
            for sku, qty in self._db.execute_sql(_UNSYNCED_SQL, (order_id,)).fetchall():
                here[sku] = here.get(sku, Decimal(0)) + Decimal(qty)
            left = []
            for line in json.loads(lines):
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
        purchase_order: OpenOrder | None = None,
    ) -> str:
        """Start a receipt; against ``purchase_order`` it starts with what is outstanding."""
        receipt_id = new_id()
        if purchase_order is not None:
            supplier = supplier.strip() or purchase_order.supplier
            names = dict(self._db.execute_sql(
                "SELECT sku, name FROM product WHERE sku IN (SELECT value FROM json_each(?))",
                (json.dumps([sku for sku, _, _ in purchase_order.outstanding]),),
            ).fetchall())  # fmt: skip
        with self._db.atomic("IMMEDIATE"):
            self._db.execute_sql(
                "INSERT INTO goods_receipt (id, terminal_id, started_at, received_by, supplier, "
                "delivery_note, status, purchase_order_id) VALUES (?, ?, ?, ?, ?, ?, 'open', ?)",
                (receipt_id, self._terminal_id, utc_text(self._clock.now()), by,
                 supplier.strip()[:120] or None, delivery_note.strip()[:60] or None,
                 purchase_order.order_id if purchase_order else None),
            )  # fmt: skip
            for position, (sku, qty, cost) in enumerate(
                purchase_order.outstanding if purchase_order else ()
            ):
                self._db.execute_sql(
                    "INSERT INTO goods_receipt_line (receipt_id, sku, name, quantity, "
                    "unit_cost_minor, position) VALUES (?, ?, ?, ?, ?, ?)",
                    (receipt_id, sku, names.get(sku, sku), str(qty), cost, position),
                )
        return receipt_id

    def lines(self, receipt_id: str) -> list[ReceivedLine]:
        rows = self._db.execute_sql(
            "SELECT sku, name, quantity, unit_cost_minor FROM goods_receipt_line "
            "WHERE receipt_id = ? ORDER BY position",
            (receipt_id,),
        ).fetchall()
        return [ReceivedLine(s, n, Decimal(q), c) for s, n, q, c in rows]

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
        row = self._db.execute_sql(
            "SELECT name, unit_cost_minor FROM goods_receipt_line WHERE receipt_id = ? AND sku = ?",
            (receipt_id, sku),
        ).fetchone()
        with self._db.atomic("IMMEDIATE"):
            if row is None:
                position = self._db.execute_sql(
                    "SELECT COUNT(*) FROM goods_receipt_line WHERE receipt_id = ?", (receipt_id,)
                ).fetchone()[0]
                self._db.execute_sql(
                    "INSERT INTO goods_receipt_line (receipt_id, sku, name, quantity, "
                    "unit_cost_minor, position) VALUES (?, ?, ?, ?, ?, ?)",
                    (receipt_id, sku, name or sku, str(qty), cost, position),
                )
                return ReceivedLine(sku, name or sku, qty, cost)
            cost = cost if cost is not None else row[1]
            self._db.execute_sql(
                "UPDATE goods_receipt_line SET quantity = ?, unit_cost_minor = ? "
                "WHERE receipt_id = ? AND sku = ?",
                (str(qty), cost, receipt_id, sku),
            )
        return ReceivedLine(sku, row[0], qty, cost)

    def _require_open(self, receipt_id: str) -> None:
        row = self._db.execute_sql(
            "SELECT status FROM goods_receipt WHERE id = ?", (receipt_id,)
        ).fetchone()
        if row is None or row[0] != "open":
            raise DomainError("This receipt is posted already; start a new one.")

    def post(self, receipt_id: str) -> list[ReceivedLine]:
        """Close the receipt and queue it for the cloud (one transaction).

        Raises:
            DomainError: nothing received, or posted already.
        """
        lines = [line for line in self.lines(receipt_id) if line.quantity > 0]
        if not lines:
            raise DomainError("Nothing has been received yet: scan the items first.")
        self._require_open(receipt_id)
        now = self._clock.now()
        head = self._db.execute_sql(
            "SELECT started_at, received_by, supplier, delivery_note, purchase_order_id "
            "FROM goods_receipt WHERE id = ?",
            (receipt_id,),
        ).fetchone()
        with self._db.atomic("IMMEDIATE"):
            self._db.execute_sql(
                "UPDATE goods_receipt SET status = 'posted', posted_at = ? WHERE id = ?",
                (utc_text(now), receipt_id),
            )
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
