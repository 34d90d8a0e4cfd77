"""Sale commit: SalesRepository.save_completed (5 lines + cash) vs one raw fsynced commit.

Subject: one 5-line sale paid in cash, committed with its lines, payment, journal record and
outbox event in one IMMEDIATE transaction (the till's own code, WAL + synchronous=FULL).
Floor: one raw ``sqlite3`` INSERT + COMMIT into another file in the same directory (same disk),
also WAL + synchronous=FULL, i.e. what one durable commit costs on this disk. The two are
interleaved in the same run. Sales are built before timing; only the commit is timed.

Run alone: ``.venv/bin/python benchmarks/bench_commit.py [--quick]``.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta

from common import Figure, Stats, log, standard_main
from fixtures import scratch_dir

NAME = "commit"
LIMIT_MS = 5.0
MAX_RATIO = 2.0
LINES_PER_SALE = 5
CATALOGUE = 1_000


def _build_sales(catalog, settings, count: int) -> list:
    """``count`` distinct 5-line cash sales (new ids each) ready to store."""
    from pos_desktop.domain.cart import Cart
    from pos_desktop.domain.money import Money
    from pos_desktop.domain.payment import Payment
    from pos_desktop.domain.sale import sale_from_cart
    from pos_desktop.services.demo_data import demo_ean13

    rng = random.Random(5)
    start = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    sales = []
    for i in range(count):
        cart = Cart(settings.currency, prices_include_tax=settings.prices_include_tax)
        for _ in range(LINES_PER_SALE):
            cart.add(catalog.find_by_gtin(demo_ean13(rng.randint(1, CATALOGUE)).zfill(14)), 1)
        total = cart.totals().total
        tendered = Money(total.amount_minor + 500, total.currency)
        payment = Payment("cash", total, tendered, tendered - total)
        sales.append(
            sale_from_cart(
                cart,
                (payment,),
                terminal_id=settings.terminal_id,
                completed_at=start + timedelta(seconds=30 * i),
            )
        )
    return sales


def _raw_floor(path) -> tuple[sqlite3.Connection, str]:
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    return conn, "x" * 200


def _raw_commit(conn: sqlite3.Connection, body: str) -> None:
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO t (body) VALUES (?)", (body,))
    conn.execute("COMMIT")


def run(quick: bool = False, products: int | None = None) -> list[Figure]:
    """``products`` is ignored: a commit never reads the catalogue."""
    from pos_desktop.paths import database_path
    from pos_desktop.services.demo_data import write_demo_catalog
    from pos_desktop.services.store_setup import ensure_demo_store
    from pos_desktop.storage.catalog_repo import CatalogRepository
    from pos_desktop.storage.db import open_database
    from pos_desktop.storage.sales_repo import SalesRepository

    count = 100 if quick else 500
    warmup = 20
    work = scratch_dir("commit")
    db = open_database(database_path(work))
    settings = ensure_demo_store(db)
    write_demo_catalog(db, CATALOGUE)
    repo = SalesRepository(db)
    sales = _build_sales(CatalogRepository(db, settings.currency), settings, count + warmup)
    raw, body = _raw_floor(work / "floor.sqlite")
    coin = random.Random(9)
    subject, floor = [], []
    pc = time.perf_counter_ns
    log(f"commit: {count} sales of {LINES_PER_SALE} lines vs {count} raw fsynced commits ...")
    try:
        for i, sale in enumerate(sales):
            raw_first = coin.random() < 0.5
            if raw_first:
                t0 = pc()
                _raw_commit(raw, body)
                t_raw = pc() - t0
            t0 = pc()
            repo.save_completed(sale)
            t_sale = pc() - t0
            if not raw_first:
                t0 = pc()
                _raw_commit(raw, body)
                t_raw = pc() - t0
            if i >= warmup:
                subject.append(t_sale / 1e6)
                floor.append(t_raw / 1e6)
        stored = repo.count()
        numbers = repo.receipt_numbers(settings.terminal_id)
    finally:
        raw.close()
        db.close()
    if stored != len(sales) or numbers != list(range(1, len(sales) + 1)):
        raise RuntimeError("Not every benchmark sale was stored once with a gap-free number.")
    s, f = Stats.of(subject), Stats.of(floor)
    fig = Figure(
        bench=NAME,
        name=f"sale commit ({LINES_PER_SALE} lines + cash)",
        unit="ms",
        stats=s,
        floor=f,
        target=f"p99 <= {LIMIT_MS:g} ms, <= {MAX_RATIO:g}x floor",
        extra={"floor": "raw sqlite3 INSERT+COMMIT, WAL, synchronous=FULL, same dir"},
    )
    fig.evaluate(LIMIT_MS, MAX_RATIO, "disk floor")
    return [fig]


def main(argv: list[str] | None = None) -> int:
    return standard_main(NAME, __doc__, run, argv)


if __name__ == "__main__":
    sys.exit(main())
