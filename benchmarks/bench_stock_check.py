"""Time the back-office worker's stock check (restock.check_alerts) and the stock page's rows
for one store of N products with 56 days of sales (up to six sale lines a product a day), on a
fresh SQLite file.

    .venv/bin/python benchmarks/bench_stock_check.py --products 500 [--db /tmp/bench_stock.db]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from decimal import Decimal
from pathlib import Path

from pos_cloud import catalog, restock, stock_ledger
from pos_cloud.db import connection, database_proxy, init_database
from pos_cloud.migrations import migrate
from pos_cloud.web import stock_views


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--db", default="/tmp/bench_stock_check.db")
    args = parser.parse_args()
    Path(args.db).unlink(missing_ok=True)
    migrate(init_database(f"sqlite:///{args.db}"))
    skus = [f"S{i:05d}" for i in range(args.products)]
    rnd = random.Random(1)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, hour=10, minute=0, second=0, microsecond=0)
    with connection():
        store = catalog.create_store("Bench")
        with database_proxy.atomic():
            start = now - dt.timedelta(days=60)
            stock_ledger.apply(
                store.id, [stock_ledger.Move(s, Decimal(500), "receipt", start, None) for s in skus]
            )
        for day in range(56, 0, -1):
            when = now - dt.timedelta(days=day)
            # A row per sale line: up to six sales of one or two a day per product.
            sold = [stock_ledger.Move(s, Decimal(-rnd.randint(1, 2)), "sale", when, None)
                    for s in skus for _ in range(rnd.randint(0, 6))]  # fmt: skip
            with database_proxy.atomic():
                stock_ledger.apply(store.id, sold)
        for label, run in (
            ("stock check (check_alerts)", lambda: restock.check_alerts(store.id)),
            ("stock page rows", lambda: stock_views.stock_rows(store.id)),
        ):
            times = []
            for _ in range(3):
                began = time.perf_counter()
                run()
                times.append(time.perf_counter() - began)
            print(f"{args.products} products x 56 days, {label}: best {min(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
