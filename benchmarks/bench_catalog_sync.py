"""First catalogue sync of N products (default 1,000,000) from a loopback cloud into a new till.

The cloud (uvicorn thread, SQLite on tmpfs unless --database) is seeded in bulk; the till pulls
every stream with the production Puller (1,000-item pages, one transaction each). Reports the
seconds and the peak RSS of this process before and after the pull (ru_maxrss), so "memory
flat" is visible: the pull adds little on top of what seeding already used.
Targets: <= 60 s, memory flat. Usage: bench_catalog_sync.py [--products N]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "sync")]

import httpx  # noqa: E402
from sync_helpers import CloudServer, bulk_seed_catalog, creds, make_till  # noqa: E402

from pos_cloud import auth  # noqa: E402
from pos_cloud.db import connection  # noqa: E402
from pos_desktop.sync.client import CloudClient  # noqa: E402
from pos_desktop.sync.pull import Puller  # noqa: E402
from tests.cloud.conftest import Cloud  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=1_000_000)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-catalog-", dir="/dev/shm"))
    server = CloudServer(args.database or f"sqlite:///{work / 'cloud.db'}")
    server.start()
    with connection():
        token = auth.create_admin_token("bench")
    cloud = Cloud(
        server.url, httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"})
    )
    store = cloud.store("EUR")
    t0 = time.perf_counter()
    bulk_seed_catalog(store, args.products)
    seed_s = time.perf_counter() - t0
    till = make_till(work / "till", server.url, cloud.code(store))
    rss_before = rss_mb()
    c = creds(till)
    t0 = time.perf_counter()
    with CloudClient(c.cloud_url, c.token) as client:
        pulled = Puller(till.db, client).pull_all()
    sync_s = time.perf_counter() - t0
    rss_after = rss_mb()
    count = till.catalog.count_products()
    till.close()
    server.stop()
    result = {
        "name": "catalog_sync",
        "products": args.products,
        "pulled": pulled,
        "till_products": count,
        "seed_s": round(seed_s, 2),
        "sync_s": round(sync_s, 2),
        "products_per_s": round(args.products / sync_s),
        "peak_rss_mb_before_pull": round(rss_before, 1),
        "peak_rss_mb_after_pull": round(rss_after, 1),
        "note": "cloud server and till in one process (uvicorn thread); RSS covers both",
        "target_s": 60,
        "database": "sqlite" if not args.database else "postgresql",
    }
    out = ROOT / "benchmarks" / "results" / "catalog_sync.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
