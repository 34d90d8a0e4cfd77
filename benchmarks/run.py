"""Run the till benchmarks and print one table of every figure with its target and verdict.

Usage (from the repository root)::

    .venv/bin/python benchmarks/run.py                 # everything at 1,000,000 products
    .venv/bin/python benchmarks/run.py lookup commit   # only the named benches
    .venv/bin/python benchmarks/run.py --quick         # 100,000 products, fewer iterations
    .venv/bin/python benchmarks/run.py --markdown      # the table as Markdown (for the docs)

Writes ``benchmarks/results/<bench>.json`` per bench and ``benchmarks/results/summary.json``.
Exit status 1 when a figure misses its target, 2 when a bench crashed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback

from common import Figure, format_table, log, write_json
from fixtures import products_for, till_data_dir

# name -> module; the order runs the heavy writer last so it does not evict the cached db's pages
BENCHES = {
    "lookup": "bench_lookup",
    "search": "bench_search",
    "customer_display": "bench_customer_display",
    "commit": "bench_commit",
    "scan": "bench_scan_to_screen",
    "cold_start": "bench_cold_start",
    "cash_to_drawer": "bench_cash_to_drawer",
    "demo_catalog": "bench_demo_catalog",
}
ALIASES = {
    "scan_to_screen": "scan",
    "start": "cold_start",
    "catalog": "demo_catalog",
    "drawer": "cash_to_drawer",
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the till benchmarks.")
    parser.add_argument(
        "benches", nargs="*", metavar="BENCH", help=f"any of: {', '.join(BENCHES)} (default: all)"
    )
    parser.add_argument("--quick", action="store_true", help="100k products, fewer iterations")
    parser.add_argument("--products", type=int, default=None, help="catalogue size to use")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args(argv)
    names = [ALIASES.get(n, n) for n in args.benches] or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        parser.error(f"unknown bench {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    args.names = names
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    products = products_for(args.quick, args.products)
    if any(n in ("lookup", "scan", "cold_start") for n in args.names):
        till_data_dir(products)  # build the cached catalogue first, outside any timing
    figures: list[Figure] = []
    failed: list[str] = []
    load_at_start = [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
    t0 = time.perf_counter()
    for name in args.names:
        module = importlib.import_module(BENCHES[name])
        try:
            bench_figures = module.run(args.quick, args.products)
        except Exception:  # one broken bench must not hide the others' figures
            log(f"bench {name} crashed:\n{traceback.format_exc()}")
            failed.append(name)
            continue
        write_json(module.NAME, bench_figures, {"quick": args.quick, "products": products})
        figures.extend(bench_figures)
    params = {"quick": args.quick, "products": products, "benches": args.names}
    params["crashed"] = failed
    params["load_avg_at_start"] = load_at_start
    params["seconds"] = round(time.perf_counter() - t0, 1)
    summary = write_json("summary", figures, params)
    print(format_table(figures, markdown=args.markdown), flush=True)
    log(f"written {summary} ({params['seconds']} s)")
    if failed:
        log(f"crashed: {', '.join(failed)}")
        return 2
    return 1 if any(f.passed is False for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
