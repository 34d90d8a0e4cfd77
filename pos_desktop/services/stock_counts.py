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

from pos_desktop.domain.errors import N_, DomainError
from pos_desktop.domain.ids import new_id
from pos_desktop.domain.staff import Action
from pos_desktop.storage import outbox
from pos_desktop.storage.sales_repo import SalesRepository
from pos_desktop.storage.stock_count_repo import StockCountRepository
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
        raise DomainError(
            N_("'{text}' is not a quantity; type a number like 12 or 1.5."), text=text
        ) from None
    if not value.is_finite() or value < 0 or value > MAX_QUANTITY:
        raise DomainError(
            N_("'{text}' is not a quantity between 0 and {MAX_QUANTITY:,}."),
            text=text,
            MAX_QUANTITY=MAX_QUANTITY,
        )
    return value


class StockCountService:
    """Every write is one ``BEGIN IMMEDIATE`` transaction: its reads (what was counted, the
    expected figure) and its write see the same database, whatever the printer's or the sync's
    threads commit meanwhile (a deferred transaction would fail with "database is locked")."""

    def __init__(self, db: SqliteDatabase, checkout, clock: Clock, terminal_id: str) -> None:
        self._db, self._checkout, self._clock = db, checkout, clock
        self._terminal_id = terminal_id
        self._counts = StockCountRepository(db)
        self._sales = SalesRepository(db)

    def open_count(self) -> str | None:
        return self._counts.open_count_id(self._terminal_id)

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
            self._counts.create(count_id, self._terminal_id, self._clock.now(), by)
        return count_id

    def lines(self, count_id: str) -> list[CountLine]:
        return [CountLine(*row) for row in self._counts.lines(count_id)]

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
        status = self._counts.status(count_id)
        if status is None or status[0] != "open":
            raise DomainError(N_("This count is closed; start a new one."))
        existing = self._counts.line(count_id, sku)
        with self._db.atomic("IMMEDIATE"):
            if existing is None:
                expected = self._expected_at_start(sku, status[1])
                self._counts.add_line(count_id, sku, name or sku, expected, counted)
                return CountLine(sku, name or sku, expected, counted)
            self._counts.set_counted(count_id, sku, counted)
        return CountLine(sku, existing[0], existing[1], counted)

    def _expected_at_start(self, sku: str, started_at: str) -> Decimal | None:
        figure = on_hand(self._db, sku)
        if figure.quantity is None:
            return None
        return figure.quantity + self._sales.quantity_sold_since(sku, started_at)

    def post(self, count_id: str, by: str) -> list[CountLine]:
        """Close the count and queue it for the cloud (one transaction).

        Raises:
            DomainError: nothing counted, or the count is not open.
        """
        lines = self.lines(count_id)
        if not lines:
            raise DomainError(N_("Nothing has been counted yet: scan the items first."))
        now = self._clock.now()
        with self._db.atomic("IMMEDIATE"):
            started = self._counts.mark_posted(count_id, by, now)
            if started is None:
                raise DomainError(N_("This count is closed already."))
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
