"""The till's cost of keeping cloud categories as group memberships, per products-feed page.

Applies ten 10,000-product pages without categories, ten with one, then re-sends the last page
(every product already a member), each in its own transaction on a till db on tmpfs, through
``promotion_repo.apply_categories`` as the puller does after each products page.
Usage: .venv/bin/python benchmarks/bench_category_groups.py [--pages 10] [--page-size 10000]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from pos_desktop.storage import promotion_repo
from pos_desktop.storage.db import open_database


def _page(size: int, category: str | None) -> list[dict]:
    return [
        {"op": "upsert", "id": str(uuid.uuid4()), "data": {"category": category}}
        for _ in range(size)
    ]


def _timed(db, items: list[dict]) -> float:
    start = time.perf_counter()
    with db.atomic():
        promotion_repo.apply_categories(db, items, datetime.now(UTC))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--page-size", type=int, default=10_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(dir="/dev/shm" if Path("/dev/shm").is_dir() else None))  # noqa: S108
    try:
        db = open_database(folder / "till.db")
        for label, category in (("no category", None), ("with a category", "Snacks")):
            pages = [_page(args.page_size, category) for _ in range(args.pages)]
            times = [_timed(db, page) for page in pages]
            print(f"{label}: median {statistics.median(times) * 1000:.1f} ms per page")
        print(f"re-sent page (all members already): {_timed(db, pages[-1]) * 1000:.1f} ms")
        db.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
