"""Cloud price change -> visible in the till db through the SyncWorker's long poll.

One process: a real pos_cloud (uvicorn thread, SQLite on tmpfs or --database URL), one enrolled
till with a running SyncWorker. 20 price changes; median/p99 of change->visible. Target <= 2 s.
Usage: .venv/bin/python benchmarks/bench_price_propagation.py [--changes 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "sync")]

import httpx  # noqa: E402
from sync_helpers import CloudServer, creds, make_till, seed_catalog  # noqa: E402

from pos_cloud import auth  # noqa: E402
from pos_cloud.db import connection  # noqa: E402
from pos_desktop.sync.worker import SyncWorker  # noqa: E402
from tests.cloud.conftest import Cloud  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-price-", dir="/dev/shm"))
    server = CloudServer(args.database or f"sqlite:///{work / 'cloud.db'}")
    server.start()
    with connection():
        token = auth.create_admin_token("bench")
    admin = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"})
    cloud = Cloud(server.url, admin)
    store = cloud.store("EUR")
    gtin = "0" + seed_catalog(store, 10)[0]
    till = make_till(work / "till", server.url, cloud.code(store))
    creds(till)
    worker = SyncWorker(till.config.database_path)
    worker.start()
    sql = "SELECT p.price_minor FROM barcode b JOIN product p ON p.id = b.product_id WHERE b.gtin=?"
    latencies = []
    try:
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
    finally:
        worker.stop(timeout=1)
        till.close()
        server.stop()
    latencies.sort()
    result = {
        "name": "price_propagation",
        "changes": len(latencies),
        "median_s": round(statistics.median(latencies), 4),
        "p99_s": round(latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))], 4),
        "max_s": round(latencies[-1], 4),
        "target_s": 2.0,
        "database": "sqlite" if not args.database else "postgresql",
    }
    out = ROOT / "benchmarks" / "results" / "price_propagation.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
