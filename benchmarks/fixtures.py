"""Cached till data dirs with a demo store and N demo products (built once, reused).

The 1,000,000-product database takes about a minute to write, so it lives under
``benchmarks/.cache/till-<N>/`` and is rebuilt only when missing or incomplete. Benches that write
sales use a fresh scratch db instead (``scratch_dir``), so the cached catalogue stays as built.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import time
from pathlib import Path

from common import CACHE_DIR, log

FULL_PRODUCTS = 1_000_000
QUICK_PRODUCTS = 100_000
_META = "bench-meta.json"


def products_for(quick: bool, override: int | None = None) -> int:
    """The catalogue size a run uses: ``override``, else 100k for --quick, else 1M."""
    if override:
        return override
    return QUICK_PRODUCTS if quick else FULL_PRODUCTS


def build_till(data_dir: Path, products: int) -> float:
    """Create a till db in ``data_dir``: demo store, tax rates, ``products`` demo products.

    Returns:
        Seconds spent writing the catalogue.
    """
    from pos_desktop.paths import database_path
    from pos_desktop.services.demo_data import write_demo_catalog
    from pos_desktop.services.store_setup import ensure_demo_store
    from pos_desktop.storage.db import open_database

    db = open_database(database_path(data_dir))
    try:
        ensure_demo_store(db)
        t0 = time.perf_counter()
        written = write_demo_catalog(db, products)
        seconds = time.perf_counter() - t0
        if written != products:
            raise RuntimeError(f"Wrote {written} demo products instead of {products}.")
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute_sql("ANALYZE")
    finally:
        db.close()
    return seconds


def till_data_dir(products: int) -> Path:
    """A data dir holding a demo store with ``products`` demo products (cached)."""
    target = CACHE_DIR / f"till-{products}"
    if _cache_is_current(target, products):
        return target
    tmp = CACHE_DIR / f"till-{products}.building"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    tmp.mkdir(parents=True)
    log(f"building a till with {products:,} demo products in {target} (once) ...")
    seconds = build_till(tmp, products)
    (tmp / _META).write_text(
        json.dumps({"products": products, "catalogue_seconds": round(seconds, 2)}) + "\n",
        encoding="utf-8",
    )
    tmp.rename(target)  # only a complete build gets the final name
    log(f"built in {seconds:.1f} s")
    return target


def _cache_is_current(target: Path, products: int) -> bool:
    """A complete build whose last demo GTIN is present (the demo GTIN scheme has not changed)."""
    from pos_desktop.paths import database_path
    from pos_desktop.services.demo_data import demo_ean13

    if not (target / _META).exists():
        return False
    conn = sqlite3.connect(f"file:{database_path(target)}?mode=ro", uri=True)
    try:
        gtin = demo_ean13(products).zfill(14)
        row = conn.execute("SELECT 1 FROM barcode WHERE gtin = ?", (gtin,)).fetchone()
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    if row is None:
        log(f"{target} is stale (no demo GTIN {gtin}); rebuilding")
    return row is not None


def scratch_dir(name: str) -> Path:
    """An empty directory under the cache (same disk as the cached dbs); wiped first."""
    path = CACHE_DIR / "scratch" / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def random_gtins(products: int, count: int, seed: int = 42) -> list[str]:
    """``count`` GTIN-14s of existing demo products, drawn uniformly at random."""
    from pos_desktop.services.demo_data import demo_ean13

    rng = random.Random(seed)
    return [demo_ean13(rng.randint(1, products)).zfill(14) for _ in range(count)]


def random_ean13s(products: int, count: int, seed: int = 42) -> list[str]:
    """``count`` EAN-13s as a scanner sends them, of existing demo products."""
    return [g[1:] for g in random_gtins(products, count, seed)]
