"""Realistic demo sales rung up through the real ``CheckoutService`` (scan, quantity, cash).

Used to fill a till for demos, reports and benchmarks; every sale takes the production path:
scan -> cart -> cash payment -> numbered, journaled, queued for the cloud.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from peewee import SqliteDatabase

from pos_desktop.domain.money import Money, currency_exponent
from pos_desktop.storage.catalog_repo import (
    CatalogRepository,
    max_product_rowid,
    sample_piece_codes,
)

from .checkout import CheckoutService
from .demo_data import write_demo_catalog
from .store_setup import ensure_demo_store

DEMO_CATALOG_SIZE = 500
# Banknotes in major units: change is given from the next note up, as customers pay.
NOTES = (5, 10, 20, 50, 100, 200, 500)
_LINE_COUNTS, _LINE_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8), (22, 20, 16, 13, 10, 8, 6, 5)
_QUANTITIES, _QUANTITY_WEIGHTS = (1, 2, 3, 4, 6), (72, 15, 7, 3, 3)


class DemoSalesError(RuntimeError):
    """Demo sales cannot be made (for example: nothing in the catalogue can be scanned)."""


@dataclass(frozen=True, slots=True)
class DemoSalesReport:
    sales: int
    lines: int
    revenue: Money
    first_receipt: int | None
    last_receipt: int | None


def ensure_demo_sales_data(db: SqliteDatabase, products: int = DEMO_CATALOG_SIZE) -> bool:
    """Create the demo store and a demo catalogue when the database has none.

    Returns:
        True when a catalogue was written.
    """
    settings = ensure_demo_store(db)
    if CatalogRepository(db, settings.currency).count_products():
        return False
    write_demo_catalog(db, products)
    return True


def sellable_codes(db: SqliteDatabase, limit: int = 2000, *, seed: int | None = None) -> list[str]:
    """Up to ``limit`` scan codes (a barcode, else the SKU) of active piece products.

    A random sample (repeatable with ``seed``) so a million-product catalogue is not read whole.
    """
    rng = random.Random(seed)
    max_rowid = max_product_rowid(db)
    picks = sorted(rng.sample(range(1, max_rowid + 1), min(limit * 2, max_rowid)))
    return sample_piece_codes(db, picks)[:limit]


DEMO_FLOAT_MINOR = 10000  # major units 100 in the float, in the store's currency's minor units
DEMO_SALES_USER = "demo-sales"


def ensure_demo_shift(checkout: CheckoutService, shifts) -> bool:
    """Open a shift (float 100.00, by ``demo-sales``) when the till has none: every sale needs
    one, and ``pos-admin report x`` reports the open shift.

    Returns:
        True when a shift was opened.
    """
    if shifts.current() is not None:
        return False
    from pos_desktop.domain.cash import CashCount

    currency = checkout.settings.currency
    unit = 10 ** currency_exponent(currency)
    count = CashCount.from_total(
        currency, DEMO_FLOAT_MINOR // 100 * unit, shifts.settings.denominations
    )
    shifts.repo.open(checkout.settings.terminal_id, DEMO_SALES_USER, count, checkout.clock.now())
    return True


def cash_tendered(total: Money, rng: random.Random) -> Money:
    """Cash a customer hands over: sometimes exact, usually the next note up."""
    if rng.random() < 0.2:
        return total
    unit = 10 ** currency_exponent(total.currency)
    for note in NOTES:
        if note * unit >= total.amount_minor:
            return Money(note * unit, total.currency)
    big = NOTES[-1] * unit
    return Money(-(-total.amount_minor // big) * big, total.currency)


def record_demo_sales(
    checkout: CheckoutService,
    codes: Sequence[str],
    count: int,
    *,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSalesReport:
    """Ring up ``count`` cash sales of 1-8 lines each from ``codes``.

    Args:
        checkout: the service the sales screen uses (its cart must be empty).
        codes: barcodes or SKUs to scan, e.g. from :func:`sellable_codes`.
        count: how many sales.
        seed: makes the baskets reproducible.
        progress: called with (done, count) after each sale.

    Raises:
        DemoSalesError: when ``codes`` is empty or none of them scans.
    """
    if not codes:
        raise DemoSalesError("The catalogue has no active piece products to sell.")
    rng = random.Random(seed)
    revenue = Money.zero(checkout.settings.currency)
    lines = 0
    first = last = None
    for done in range(1, count + 1):
        _fill_basket(checkout, codes, rng)
        lines += len(checkout.cart.lines)
        total = checkout.totals().total
        sale = checkout.pay_cash(cash_tendered(total, rng))
        revenue += total
        first = sale.receipt_number if first is None else first
        last = sale.receipt_number
        if progress:
            progress(done, count)
    return DemoSalesReport(count, lines, revenue, first, last)


def _fill_basket(checkout: CheckoutService, codes: Sequence[str], rng: random.Random) -> None:
    wanted = rng.choices(_LINE_COUNTS, _LINE_WEIGHTS)[0]
    for _ in range(wanted * 3):  # a few retries: some codes may not scan
        if len(checkout.cart.lines) >= wanted:
            break
        result = checkout.scan(rng.choice(codes))
        if not result.ok or result.line is None:
            continue
        extra = rng.choices(_QUANTITIES, _QUANTITY_WEIGHTS)[0] - 1
        if extra:
            checkout.set_quantity(result.line.line_id, result.line.quantity + extra)
    if checkout.cart.is_empty:
        raise DemoSalesError(
            "None of the catalogue's codes could be scanned; check the products' barcodes."
        )
