"""First catalogue sync of N products (default 1,000,000) from a cloud server into a new till.

Three processes, as deployed: a seeding process fills the cloud database (SQLite on tmpfs, or
``--database postgresql://...``: a throw-away schema) in bulk and exits; `pos-cloud serve` runs
in its own process; this process is only the till: it enrolls and pulls every stream with the
production Puller. Reports the seconds, items/s, the till process's peak RSS before and after
the pull (ru_maxrss: "memory flat" means the pull adds little) and the load average.
Targets: <= 60 s, memory flat.
Usage: bench_catalog_sync.py [--products N] [--database postgresql://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "sync")]

from common import save_result, wait_until_healthy  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seed(url: str, products: int) -> None:
    """Child process: migrate, make an admin token and a store, seed; print them as JSON."""
    from sync_helpers import bulk_seed_catalog

    from pos_cloud import auth, catalog
    from pos_cloud.db import connection, init_database
    from pos_cloud.migrations import migrate

    database = init_database(url)
    with database.connection_context():
        migrate(database)
    with connection():
        token = auth.create_admin_token("bench")
        store = catalog.create_store("Bench", "EUR").id
    bulk_seed_catalog(store, products)
    if url.startswith("postgresql"):
        # As `pos-cloud import-products` leaves a big import (and autovacuum any catalogue in
        # due course); without it the first reader of a million fresh rows pays for both.
        from pos_cloud.csv_import import settle_catalogue

        with connection():
            settle_catalogue()
    print(json.dumps({"token": token, "store": store}))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pull(url: str, token: str, store: str, work: Path) -> tuple[dict, float, float, float, int]:
    """Enroll a till and pull everything; (counts, seconds, rss before, rss after, products)."""
    import httpx
    from sync_helpers import creds, make_till

    from pos_desktop.sync.client import CloudClient
    from pos_desktop.sync.pull import Puller

    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as admin:
        wait_until_healthy(admin)
        code = admin.post(f"/v1/admin/stores/{store}/enrollment-codes", json={}).json()["code"]
    till = make_till(work / "till", url, code)
    c = creds(till)
    rss_before = rss_mb()
    t0 = time.perf_counter()
    with CloudClient(c.cloud_url, c.token) as client:
        pulled = Puller(till.db, client).pull_all()
    seconds = time.perf_counter() - t0
    rss_after = rss_mb()
    count = till.catalog.count_products()
    till.close()
    return pulled, seconds, rss_before, rss_after, count


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=1_000_000)
    parser.add_argument("--database", default=None)
    parser.add_argument("--seed", nargs=2, metavar=("URL", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        seed(args.seed[0], int(args.seed[1]))
        return 0
    from pos_cloud.db import ThrowawaySchema  # after the sys.path set-up above

    work = Path(tempfile.mkdtemp(prefix="bench-catalog-", dir="/dev/shm"))
    schema = ThrowawaySchema(args.database, "bench_catalog") if args.database else None
    url = schema.url if schema else f"sqlite:///{work / 'cloud.db'}"
    server = None
    try:
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, __file__, "--seed", url, str(args.products)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        seeded = json.loads(out.strip().splitlines()[-1])
        seed_s = time.perf_counter() - t0
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "pos_cloud.cli", "serve", "--database", url]
            + ["--port", str(port)],
            cwd=ROOT,
        )
        base = f"http://127.0.0.1:{port}"
        pulled, sync_s, rss_before, rss_after, count = pull(
            base, seeded["token"], seeded["store"], work
        )
        load = os.getloadavg()
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)
            server.wait(60)
        if schema:
            schema.drop()
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "name": "catalog_sync",
        "products": args.products,
        "pulled": pulled,
        "till_products": count,
        "seed_s": round(seed_s, 2),
        "sync_s": round(sync_s, 2),
        "products_per_s": round(args.products / sync_s),
        "till_peak_rss_mb_before_pull": round(rss_before, 1),
        "till_peak_rss_mb_after_pull": round(rss_after, 1),
        "note": "seeding, `pos-cloud serve` and the till are three processes; RSS is the till's",
        "target_s": 60,
        "database": "postgresql" if args.database else "sqlite (tmpfs)",
        "load_avg_1_5_15": [round(x, 2) for x in load],
        "command": "benchmarks/bench_catalog_sync.py " + " ".join(sys.argv[1:]),
    }
    save_result("catalog_sync", result)
    print(json.dumps(result))
    return 0 if count == args.products else 1


if __name__ == "__main__":
    sys.exit(main())
