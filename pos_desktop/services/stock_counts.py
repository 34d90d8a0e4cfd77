"""Counting stock at the till by scanning: start, scan (or type quantities), see the variance,
post. Works offline: posting writes a ``stock.counted`` event that reaches the cloud later.

The expected quantity of a product is taken when it is first counted, as of the count's start:
the on-hand figure now plus what this till sold of it since the count started. A sale rung up
while the shelf is being counted therefore does not show as a shortage.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from peewee import SqliteDatabase

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.ids import new_id
from pos_desktop.domain.staff import Action
from pos_desktop.storage import outbox
from pos_desktop.storage.codec import utc_text
from pos_desktop.storage.stock_repo import on_hand

from .auth import Approval, redeem
from .ports import Clock
from .scanning import resolve_scan
from .timezones import store_time

STOCK_COUNTED = "stock.counted"
MAX_QUANTITY = Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class CountLine:
    sku: str
    name: str
    expected: Decimal | None  # None: the cloud has no figure for it
    counted: Decimal

    @property
    def variance(self) -> Decimal | None:
        return None if self.expected is None else self.counted - self.expected


def scanned_product(checkout, clock: Clock, code: str):
    """The product a scanned or typed code names and the quantity it stands for (a weight
    label: its weight), for counting and receiving stock.

    Raises:
        DomainError: the code names no product.
    """
    today = store_time(clock.now(), checkout.settings.timezone).date()
    found = resolve_scan(code, checkout.catalog, checkout.settings, today)
    item = found.item or found.needs_weight
    if item is None:
        raise DomainError(found.message)
    return item, found.quantity


def parse_stock_quantity(text) -> Decimal:
    """A counted or received quantity (0 to MAX_QUANTITY, decimals for weights)."""
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        raise DomainError(f"'{text}' is not a quantity; type a number like 12 or 1.5.") from None
    if not value.is_finite() or value < 0 or value > MAX_QUANTITY:
        raise DomainError(f"'{text}' is not a quantity between 0 and {MAX_QUANTITY:,}.")
    return value


class StockCountService:
    """Every write is one ``BEGIN IMMEDIATE`` transaction: its reads (what was counted, the
    expected figure) and its write see the same database, whatever the printer's or the sync's
    threads commit meanwhile (a deferred transaction would fail with "database is locked")."""

    def __init__(self, db: SqliteDatabase, checkout, clock: Clock, terminal_id: str) -> None:
        self._db, self._checkout, self._clock = db, checkout, clock
        self._terminal_id = terminal_id

    def open_count(self) -> str | None:
        row = self._db.execute_sql(
            "SELECT id FROM stock_count WHERE status = 'open' AND terminal_id = ?",
            (self._terminal_id,),
        ).fetchone()
        return row[0] if row else None

    def start(self, by: str, *, approval: Approval | None = None) -> str:
        """Start a count (or carry on with the open one), using up a ``STOCK_COUNT`` approval.

        Raises:
            ApprovalRequired: without a valid approval (the store's policy decides who counts).
        """
        redeem(approval, Action.STOCK_COUNT)
        existing = self.open_count()
        if existing:
            return existing
        count_id = new_id()
        with self._db.atomic("IMMEDIATE"):
            self._db.execute_sql(
                "INSERT INTO stock_count (id, terminal_id, started_at, started_by, status) "
                "VALUES (?, ?, ?, ?, 'open')",
                (count_id, self._terminal_id, utc_text(self._clock.now()), by),
            )
        return count_id

    def lines(self, count_id: str) -> list[CountLine]:
        rows = self._db.execute_sql(
            "SELECT sku, name, expected, counted FROM stock_count_line WHERE count_id = ? "
            "ORDER BY position",
            (count_id,),
        ).fetchall()
        return [
            CountLine(sku, name, None if exp is None else Decimal(exp), Decimal(cnt))
            for sku, name, exp, cnt in rows
        ]

    def scan(self, count_id: str, code: str) -> CountLine:
        """Count one more of the product a scanned or typed code names.

        Raises:
            DomainError: the code names no product.
        """
        item, quantity = scanned_product(self._checkout, self._clock, code)
        current = {line.sku: line for line in self.lines(count_id)}
        before = current[item.sku].counted if item.sku in current else Decimal(0)
        return self.set_counted(count_id, item.sku, before + quantity, name=item.name)

    def set_counted(
        self, count_id: str, sku: str, quantity, *, name: str | None = None
    ) -> CountLine:
        """Set the counted quantity of ``sku`` (typed on the pad)."""
        counted = parse_stock_quantity(quantity)
        status = self._db.execute_sql(
            "SELECT status, started_at FROM stock_count WHERE id = ?", (count_id,)
        ).fetchone()
        if status is None or status[0] != "open":
            raise DomainError("This count is closed; start a new one.")
        existing = self._db.execute_sql(
            "SELECT name, expected FROM stock_count_line WHERE count_id = ? AND sku = ?",
            (count_id, sku),
        ).fetchone()
        with self._db.atomic("IMMEDIATE"):
            if existing is None:
                expected = self._expected_at_start(sku, status[1])
                position = self._db.execute_sql(
                    "SELECT COUNT(*) FROM stock_count_line WHERE count_id = ?", (count_id,)
                ).fetchone()[0]
                self._db.execute_sql(
                    "INSERT INTO stock_count_line (count_id, sku, name, expected, counted, "
                    "position) VALUES (?, ?, ?, ?, ?, ?)",
                    (count_id, sku, name or sku, None if expected is None else str(expected),
                     str(counted), position),
                )  # fmt: skip
                return CountLine(sku, name or sku, expected, counted)
            self._db.execute_sql(
                "UPDATE stock_count_line SET counted = ? WHERE count_id = ? AND sku = ?",
                (str(counted), count_id, sku),
            )
        expected = None if existing[1] is None else Decimal(existing[1])
        return CountLine(sku, existing[0], expected, counted)

    def _expected_at_start(self, sku: str, started_at: str) -> Decimal | None:
        figure = on_hand(self._db, sku)
        if figure.quantity is None:
            return None
        sold_since = self._db.execute_sql(
            "SELECT sl.quantity FROM sale_line sl JOIN sale s ON s.id = sl.sale_id "
            "WHERE sl.sku = ? AND s.completed_at >= ?",
            (sku, started_at),
        ).fetchall()
        return figure.quantity + sum((Decimal(q) for (q,) in sold_since), Decimal(0))

    def post(self, count_id: str, by: str) -> list[CountLine]:
        """Close the count and queue it for the cloud (one transaction).

        Raises:
            DomainError: nothing counted, or the count is not open.
        """
        lines = self.lines(count_id)
        if not lines:
            raise DomainError("Nothing has been counted yet: scan the items first.")
        now = self._clock.now()
        with self._db.atomic("IMMEDIATE"):
            changed = self._db.execute_sql(
                "UPDATE stock_count SET status = 'posted', posted_at = ?, posted_by = ? "
                "WHERE id = ? AND status = 'open'",
                (utc_text(now), by, count_id),
            ).rowcount
            if not changed:
                raise DomainError("This count is closed already.")
            started = self._db.execute_sql(
                "SELECT started_at FROM stock_count WHERE id = ?", (count_id,)
            ).fetchone()[0]
            outbox.append_event(
                self._db,
                STOCK_COUNTED,
                {
                    "count_id": count_id,
                    "terminal_id": self._terminal_id,
                    "started_at": started,
                    "posted_by": by,
                    "lines": [
                        {
                            "sku": ln.sku,
                            "expected": None if ln.expected is None else str(ln.expected),
                            "counted": str(ln.counted),
                        }
                        for ln in lines
                    ],
                },
                now,
            )
        return lines
