"""X/Z report over a shift of 100,000 sales (1,000,000 lines), and journal verify of 1M records.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/bench_reports.py [--sales N] [--journal N]``.
Data is written with executemany into a temp db (migrated schema, real indexes). Prints a table
and writes benchmarks/results/reports.json. Targets: report <= 0.5 s, verify <= 10 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pos_desktop.domain.cash import CashCount
from pos_desktop.domain.ids import new_id
from pos_desktop.services.reports import ReportService, verify_journal
from pos_desktop.storage.codec import canonical_json, utc_text
from pos_desktop.storage.db import open_database
from pos_desktop.storage.journal import GENESIS_HASH, record_hash
from pos_desktop.storage.shift_repo import ShiftRepository

START = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def fill_shift(db, sales: int, lines_per_sale: int = 10) -> str:
    shift = ShiftRepository(db).open("T01", "bench", CashCount("EUR", ((1000, 10),)), START)
    conn = db.connection()
    with db.atomic():
        for chunk in range(0, sales, 10_000):
            sale_rows, line_rows, pay_rows = [], [], []
            for n in range(chunk, min(chunk + 10_000, sales)):
                sid, at = new_id(), utc_text(START + timedelta(seconds=n * 0.3))
                total = tax = 0
                for pos in range(lines_per_sale):
                    amount = 100 + (n * 7 + pos * 13) % 900
                    code, pct = ("A", "20") if pos % 3 else ("B", "5.5")
                    t = amount // 6 if code == "A" else amount * 55 // 1055
                    line_rows.append(
                        (
                            new_id(),
                            sid,
                            pos,
                            "p",
                            "SKU",
                            None,
                            "Item",
                            "1",
                            amount,
                            amount,
                            amount - t,
                            t,
                            code,
                            pct,
                        )
                    )
                    total, tax = total + amount, tax + t
                sale_rows.append(
                    (
                        sid,
                        "T01",
                        n + 1,
                        "EUR",
                        total - tax,
                        tax,
                        total,
                        1,
                        "completed",
                        f"cashier{n % 4}",
                        at,
                        shift.shift_id,
                    )
                )
                pay_rows.append(
                    (new_id(), sid, "cash" if n % 2 else "card", "EUR", total, total, 0, None, at)
                )
            conn.executemany(
                "INSERT INTO sale (id, terminal_id, receipt_number, currency, "
                "subtotal_minor, tax_minor, total_minor, prices_include_tax, status,"
                " cashier, completed_at, shift_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                sale_rows,
            )
            conn.executemany(
                "INSERT INTO sale_line (id, sale_id, position, product_id, sku, "
                "gtin, name, quantity, unit_price_minor, amount_minor, net_minor, "
                "tax_minor, tax_code, tax_percent) VALUES "
                "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                line_rows,
            )
            conn.executemany(
                "INSERT INTO payment (id, sale_id, tender, currency, amount_minor, "
                "tendered_minor, change_minor, reference, created_at) VALUES "
                "(?,?,?,?,?,?,?,?,?)",
                pay_rows,
            )
    db.execute_sql("ANALYZE")
    return shift.shift_id


def fill_journal(db, records: int) -> None:
    prev, conn = GENESIS_HASH, db.connection()
    with db.atomic():
        batch = []
        for seq in range(1, records + 1):
            rid, at = new_id(), utc_text(START + timedelta(seconds=seq))
            body = canonical_json({"sale_id": rid, "total_minor": seq % 5000, "n": seq})
            digest = record_hash(prev, seq, rid, "sale.completed", rid, at, body)
            batch.append((seq, rid, "sale.completed", rid, at, body, prev, digest))
            prev = digest
            if len(batch) == 50_000:
                conn.executemany("INSERT INTO journal VALUES (?,?,?,?,?,?,?,?)", batch)
                batch = []
        conn.executemany("INSERT INTO journal VALUES (?,?,?,?,?,?,?,?)", batch)


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"median_s": statistics.median(times), "p99_s": p99, "runs": len(times)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sales", type=int, default=100_000)
    ap.add_argument("--journal", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    opts = ap.parse_args()
    results: dict[str, object] = {
        "sales": opts.sales,
        "lines": opts.sales * 10,
        "journal_records": opts.journal,
    }
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "bench.sqlite")
        t0 = time.perf_counter()
        shift_id = fill_shift(db, opts.sales)
        results["fill_s"] = time.perf_counter() - t0
        shift = ShiftRepository(db).get(shift_id)
        reports = ReportService(db)
        x = reports.compute(shift, "X", START)
        assert x.data["sales_count"] == opts.sales
        results["x_report"] = summary(timed(lambda: reports.compute(shift, "X", START), opts.runs))
        # A Z is the same aggregate plus one insert; measure the aggregate as the Z would.
        results["z_report"] = summary(timed(lambda: reports.compute(shift, "Z", START), opts.runs))
        db.close()
        jdb = open_database(Path(tmp) / "journal.sqlite")
        fill_journal(jdb, opts.journal)
        verify_times = timed(lambda: verify_journal(jdb, against_z=True), 1)
        assert verify_journal(jdb).ok
        results["journal_verify"] = summary(verify_times)
        jdb.close()
    print(f"{'figure':<16}{'median s':>10}{'p99 s':>10}{'target s':>10}")
    for key, target in (("x_report", 0.5), ("z_report", 0.5), ("journal_verify", 10.0)):
        r = results[key]
        print(f"{key:<16}{r['median_s']:>10.3f}{r['p99_s']:>10.3f}{target:>10.1f}")
    out = Path(__file__).parent / "results" / "reports.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written {out}")


if __name__ == "__main__":
    main()
