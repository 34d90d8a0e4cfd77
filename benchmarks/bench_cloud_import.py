"""`pos-cloud import-products` on a big CSV: seconds, rows/s, peak RSS, load average.

Generates an N-row catalogue CSV (every row with an EAN-13), creates a store and runs the real
command in a subprocess twice: a first import (every product new) and a re-import of the same
file (every product and barcode updated). Peak RSS is the child's ru_maxrss from wait4, so it
covers parsing and writing, not this script.

SQLite by default (a fresh file in a temporary folder); ``--database postgresql://...`` runs on
a throw-away schema of that database (dropped afterwards).
Usage: bench_cloud_import.py [--rows 1000000] [--database URL] [--no-reimport]
Wrap runs in the shared lock: ``flock /tmp/bench.lock .venv/bin/python benchmarks/...``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import log, machine_info, save_result  # noqa: E402

from pos_cloud.db import ThrowawaySchema  # noqa: E402
from pos_common.gs1 import check_digit  # noqa: E402

COMMAND = [sys.executable, "-m", "pos_cloud.cli"]


def write_csv(path: Path, rows: int) -> None:
    """``rows`` products S1..SN, each with its own valid EAN-13 (prefix 20: in-store codes)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("sku,name,price,tax_code,barcodes,active\n")
        for n in range(1, rows + 1):
            body, cents = f"20{n:010d}", 100 + n % 9900
            price = f"{cents // 100}.{cents % 100:02d}"
            out.write(f"S{n},Item {n},{price},A,{body}{check_digit(body)},1\n")


def run(argv: list[str]) -> tuple[float, int, str]:
    """Run ``pos-cloud argv``; return (wall seconds, child peak RSS in MiB, stdout)."""
    t0 = time.perf_counter()
    child = subprocess.Popen([*COMMAND, *argv], stdout=subprocess.PIPE, cwd=ROOT)
    out = child.stdout.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - t0
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"pos-cloud {argv[0]} failed with exit code {child.returncode}")
    return seconds, usage.ru_maxrss // 1024, out


def timed_import(url: str, store: str, csv: Path, rows: int, label: str) -> dict:
    load_before = [round(x, 2) for x in os.getloadavg()]
    seconds, rss, out = run(["import-products", "--store", store, str(csv), "--database", url])
    assert f"Imported {rows} product(s)" in out, out
    figure = {
        "pass": label,
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "peak_rss_mib": rss,
        "load_avg_before": load_before,
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
    }
    log(
        f"{label}: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s, "
        f"peak RSS {rss} MiB, load {load_before[0]} -> {figure['load_avg_after'][0]}"
    )
    return figure


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", default=None, help="postgresql://... (default: SQLite)")
    parser.add_argument("--no-reimport", action="store_true", help="time the first import only")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp:
        csv = Path(tmp) / "products.csv"
        write_csv(csv, args.rows)
        schema = None
        if args.database and args.database.startswith(("postgres://", "postgresql://")):
            schema = ThrowawaySchema(args.database, "bench_import")
            url, engine = schema.url, "postgres"
        else:
            url, engine = args.database or f"sqlite:///{Path(tmp) / 'cloud.db'}", "sqlite"
        try:
            _, _, out = run(["create-store", "--name", "Bench", "--database", url])
            store = out.strip().splitlines()[-1]
            passes = [timed_import(url, store, csv, args.rows, "first import")]
            if not args.no_reimport:
                passes.append(timed_import(url, store, csv, args.rows, "re-import"))
        finally:
            if schema is not None:
                schema.drop()
    doc = {
        "name": "cloud_import",
        "when_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "database": engine,
        "machine": machine_info(),
        "passes": passes,
    }
    path = save_result(f"cloud_import-{engine}-{args.rows}", doc)
    log(f"saved {path}")


if __name__ == "__main__":
    main()
