"""Barcode lookup at 1M products: CatalogRepository.find_by_gtin vs a raw sqlite3 select.

The floor is the very same indexed SELECT done with the stdlib ``sqlite3`` module on its own
connection to the same file, interleaved with the repository call in the same run (who goes first
alternates at random, so neither always gets the page the other just read).

A second figure times the case-insensitive SKU lookup (``find_by_sku`` with the SKU typed in
small letters: three probes of the unique index) against the floor of one exact-match probe of
that index (``SELECT ... WHERE sku = ?``) on the raw connection.

Run alone: ``.venv/bin/python benchmarks/bench_lookup.py [--quick]``.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import time

from common import Figure, Stats, log, standard_main
from fixtures import products_for, random_gtins, till_data_dir

NAME = "lookup"
LIMIT_MS = 1.0
MAX_RATIO = 3.0


def _lookup_sql() -> str:
    from pos_desktop.storage import catalog_repo

    return catalog_repo._LOOKUP_SQL  # the exact statement the repository runs


def run(quick: bool = False, products: int | None = None) -> list[Figure]:
    from pos_desktop.paths import database_path
    from pos_desktop.storage.catalog_repo import CatalogRepository
    from pos_desktop.storage.db import open_database

    products = products_for(quick, products)
    iterations = 2_000 if quick else 20_000
    path = database_path(till_data_dir(products))
    db = open_database(path)
    raw = sqlite3.connect(str(path))
    try:
        repo = CatalogRepository(db, "EUR")
        sql = _lookup_sql()
        gtins = random_gtins(products, iterations, seed=1)
        for g in random_gtins(products, 200, seed=2):  # warm both connections (not timed)
            repo.find_by_gtin(g)
            raw.execute(sql, (g,)).fetchone()
        coin = random.Random(3)
        subject, floor = [], []
        pc = time.perf_counter_ns
        log(f"lookup: {iterations:,} random GTINs at {products:,} products ...")
        for g in gtins:
            raw_first = coin.random() < 0.5
            if raw_first:
                t0 = pc()
                row = raw.execute(sql, (g,)).fetchone()
                floor.append(pc() - t0)
            t0 = pc()
            item = repo.find_by_gtin(g)
            subject.append(pc() - t0)
            if not raw_first:
                t0 = pc()
                row = raw.execute(sql, (g,)).fetchone()
                floor.append(pc() - t0)
            if item is None or row is None:
                raise RuntimeError(f"GTIN {g} was not found; rebuild benchmarks/.cache.")
    finally:
        raw.close()
        db.close()
    s = Stats.of([v / 1e6 for v in subject])
    f = Stats.of([v / 1e6 for v in floor])
    fig = Figure(
        bench=NAME,
        name=f"barcode lookup ({products // 1000}k products)",
        unit="ms",
        stats=s,
        floor=f,
        target=f"p99 <= {LIMIT_MS:g} ms, <= {MAX_RATIO:g}x floor",
        extra={"products": products, "floor": "raw sqlite3 same SELECT, same file"},
    )
    fig.evaluate(LIMIT_MS, MAX_RATIO, "floor")
    return [fig, sku_figure(path, products, iterations)]


_EXACT_SKU_SQL = (
    "SELECT p.id, p.sku, p.name, p.price_minor, p.tax_code, p.sold_by_weight "
    "FROM product p WHERE p.sku = ? AND p.active = 1"
)


def sku_figure(path, products: int, iterations: int) -> Figure:
    """``find_by_sku`` typed in small letters vs one exact probe of the SKU index."""
    from pos_desktop.storage.catalog_repo import CatalogRepository
    from pos_desktop.storage.db import open_database

    db = open_database(path)
    raw = sqlite3.connect(str(path))
    rng, coin = random.Random(5), random.Random(6)
    skus = [f"SKU{rng.randint(1, products):07d}" for _ in range(iterations)]
    subject, floor = [], []
    pc = time.perf_counter_ns
    try:
        repo = CatalogRepository(db, "EUR")
        for sku in skus[:200]:  # warm both connections (not timed)
            repo.find_by_sku(sku.lower())
            raw.execute(_EXACT_SKU_SQL, (sku,)).fetchone()
        log(f"lookup: {iterations:,} random SKUs typed in small letters ...")
        for sku in skus:
            raw_first = coin.random() < 0.5
            if raw_first:
                t0 = pc()
                row = raw.execute(_EXACT_SKU_SQL, (sku,)).fetchone()
                floor.append(pc() - t0)
            t0 = pc()
            item = repo.find_by_sku(sku.lower())
            subject.append(pc() - t0)
            if not raw_first:
                t0 = pc()
                row = raw.execute(_EXACT_SKU_SQL, (sku,)).fetchone()
                floor.append(pc() - t0)
            if item is None or row is None or item.sku != sku:
                raise RuntimeError(f"SKU {sku} was not found; rebuild benchmarks/.cache.")
    finally:
        raw.close()
        db.close()
    fig = Figure(
        bench=NAME,
        name=f"SKU lookup, any case ({products // 1000}k products)",
        unit="ms",
        stats=Stats.of([v / 1e6 for v in subject]),
        floor=Stats.of([v / 1e6 for v in floor]),
        target=f"p99 <= {LIMIT_MS:g} ms, <= {MAX_RATIO:g}x floor",
        extra={"products": products, "floor": "raw sqlite3 exact sku = ?, same file"},
    )
    fig.evaluate(LIMIT_MS, MAX_RATIO, "floor")
    return fig


def main(argv: list[str] | None = None) -> int:
    return standard_main(NAME, __doc__, run, argv)


if __name__ == "__main__":
    sys.exit(main())
