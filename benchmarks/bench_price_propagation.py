"""Cloud price change -> visible in the till db through the SyncWorker's long poll.

`pos-cloud serve` runs in its own process (SQLite on tmpfs, or --database postgresql://...: a
throw-away schema); this process is one enrolled till with a running SyncWorker. 20 price
changes through the admin API; median/p99 of change -> visible in the till db. Target <= 2 s.
Usage: .venv/bin/python benchmarks/bench_price_propagation.py [--changes 20] [--database URL]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "sync")]

import httpx  # noqa: E402
from bench_catalog_sync import free_port  # noqa: E402
from common import save_result, wait_until_healthy  # noqa: E402
from sync_helpers import creds, make_till  # noqa: E402

from pos_desktop.services.demo_data import demo_ean13  # noqa: E402
from pos_desktop.sync.worker import SyncWorker  # noqa: E402


def admin_token(url: str) -> str:
    """Migrate the cloud database and make an admin token (the CLI prints it last)."""
    out = subprocess.run(
        [sys.executable, "-m", "pos_cloud.cli", "create-admin-token", "--database", url],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().splitlines()[-1]


def seed(admin: httpx.Client, count: int) -> tuple[str, str]:
    """A store with tax rate A and ``count`` products S1.. with demo GTINs; (store, gtin of S1)."""
    store = admin.post("/v1/admin/stores", json={"name": "Bench", "currency": "EUR"}).json()["id"]
    admin.put(f"/v1/admin/stores/{store}/tax-rates/A", json={"name": "Std", "rate_bp": 2000})
    for n in range(1, count + 1):
        body = {"name": f"Item {n}", "price_minor": 250, "tax_code": "A", "gtins": [demo_ean13(n)]}
        admin.put(f"/v1/admin/stores/{store}/products/S{n}", json=body).raise_for_status()
    return store, "0" + demo_ean13(1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    from pos_cloud.db import ThrowawaySchema  # after the sys.path set-up above

    work = Path(tempfile.mkdtemp(prefix="bench-price-", dir="/dev/shm"))
    schema = ThrowawaySchema(args.database, "bench_price") if args.database else None
    url = schema.url if schema else f"sqlite:///{work / 'cloud.db'}"
    token = admin_token(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "pos_cloud.cli", "serve", "--database", url, "--port", str(port)],
        cwd=ROOT,
    )
    admin = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"})
    till = worker = None
    latencies = []
    try:
        wait_until_healthy(admin)
        store, gtin = seed(admin, 10)
        code = admin.post(f"/v1/admin/stores/{store}/enrollment-codes", json={}).json()["code"]
        till = make_till(work / "till", base, code)
        creds(till)
        worker = SyncWorker(till.config.database_path)
        worker.start()
        sql = "SELECT p.price_minor FROM barcode b JOIN product p ON p.id = b.product_id "
        sql += "WHERE b.gtin = ?"
        while till.db.execute_sql(sql, (gtin,)).fetchone() is None:
            time.sleep(0.01)
        for n in range(args.changes):
            price = 300 + n
            time.sleep(0.3)  # let the worker settle back into its long poll
            start = time.perf_counter()
            r = admin.put(
                f"/v1/admin/stores/{store}/products/S1/price", json={"price_minor": price}
            )
            r.raise_for_status()
            while till.db.execute_sql(sql, (gtin,)).fetchone()[0] != price:
                time.sleep(0.002)
            latencies.append(time.perf_counter() - start)
        load = os.getloadavg()
    finally:
        if worker is not None:
            worker.stop(timeout=1)
        if till is not None:
            till.close()
        admin.close()
        server.send_signal(signal.SIGINT)
        server.wait(60)
        if schema:
            schema.drop()
        shutil.rmtree(work, ignore_errors=True)
    latencies.sort()
    result = {
        "name": "price_propagation",
        "changes": len(latencies),
        "median_s": round(statistics.median(latencies), 4),
        "p99_s": round(latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))], 4),
        "max_s": round(latencies[-1], 4),
        "target_s": 2.0,
        "server": "`pos-cloud serve` in its own process",
        "database": "postgresql" if args.database else "sqlite (tmpfs)",
        "load_avg_1_5_15": [round(x, 2) for x in load],
        "command": "benchmarks/bench_price_propagation.py " + " ".join(sys.argv[1:]),
    }
    save_result("price_propagation", result)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
