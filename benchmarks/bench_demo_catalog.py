"""Writing the demo catalogue: ``write_demo_catalog`` for 1,000,000 products into a fresh till db.

One run (it takes a while); reports the seconds and the products written per second. The db is a
scratch file with the demo store (WAL, synchronous=FULL as the till opens it), 20,000 products
per transaction, each product with one barcode.

Run alone: ``.venv/bin/python benchmarks/bench_demo_catalog.py [--quick]``.
"""

from __future__ import annotations

import shutil
import sys
import time

from common import Figure, Stats, log, standard_main
from fixtures import products_for, scratch_dir

NAME = "demo_catalog"


def run(quick: bool = False, products: int | None = None) -> list[Figure]:
    from pos_desktop.paths import database_path
    from pos_desktop.services.demo_data import write_demo_catalog
    from pos_desktop.services.store_setup import ensure_demo_store
    from pos_desktop.storage.db import open_database

    products = products_for(quick, products)
    work = scratch_dir("demo_catalog")
    db = open_database(database_path(work))
    try:
        ensure_demo_store(db)
        log(f"demo_catalog: writing {products:,} demo products ...")
        t0 = time.perf_counter()
        written = write_demo_catalog(db, products)
        seconds = time.perf_counter() - t0
        if written != products or db.execute_sql("SELECT COUNT(*) FROM barcode").fetchone()[0] != (
            products
        ):
            raise RuntimeError(f"Expected {products} products and barcodes, wrote {written}.")
    finally:
        db.close()
    size_mb = sum(p.stat().st_size for p in work.iterdir()) / 1e6
    shutil.rmtree(work, ignore_errors=True)  # ~220 MB at 1M products; nothing reads it later
    label = f"{products // 1000}k products"
    extra = {"products": products, "db_mb": round(size_mb, 1)}
    return [
        Figure(NAME, f"write demo catalogue ({label})", "s", Stats.of([seconds]), extra=extra),
        Figure(NAME, f"demo catalogue rate ({label})", "rows/s", Stats.of([products / seconds])),
    ]


def main(argv: list[str] | None = None) -> int:
    return standard_main(NAME, __doc__, run, argv)


if __name__ == "__main__":
    sys.exit(main())
