"""Promotions and categories set in the web back office price a real till's cart.

A real cloud under uvicorn on 127.0.0.1 (SQLite and PostgreSQL), the owner's browser-like
client on its pages, and a demo till enrolled through the CLI code path with its own
SyncWorker long-polling the feeds, as in a shop.
"""

from __future__ import annotations

import re
import time

import pytest
from sync_helpers import cloud_fixture, make_till, seed_catalog, wait_until

from pos_desktop.sync.worker import SyncWorker
from tests.cloud.backoffice_helpers import page_csrf, set_up_and_sign_in
from tests.conftest import open_test_shift

sqlite_promo_cloud = cloud_fixture("sqlite")
postgres_promo_cloud = cloud_fixture("postgres")


def _post(owner, path: str, **data) -> None:
    r = owner.post(path, data={**data, "csrf_token": page_csrf(owner)})
    assert r.status_code == 303, (path, r.status_code, r.text[-500:])


def _priced_within(till, total_minor: int, timeout: float = 20.0) -> float:
    """Seconds until the till's cart totals ``total_minor`` (what a cashier would see)."""
    start = time.monotonic()
    assert wait_until(lambda: till.checkout.totals().total.amount_minor == total_minor, timeout), (
        till.checkout.totals().total
    )
    return time.monotonic() - start


def _promotion_id(owner, store: str, name: str) -> str:
    page = owner.get(f"/app/stores/{store}/promotions").text
    found = re.search(rf'href="/app/stores/{store}/promotions/([0-9a-f-]+)">{name}<', page)
    assert found, page[-2000:]
    return found.group(1)


def _promotions_price_the_till(server, cloud, ram_path) -> list[float]:
    store = cloud.store("EUR")
    s1, s2, s3 = seed_catalog(store, 3, price=250)  # S1..S3 at 2.50
    owner, _ = set_up_and_sign_in(server.url)
    till = make_till(ram_path / "till", server.url, cloud.code(store))
    worker = SyncWorker(till.config.database_path, long_poll_wait=5, backoff_cap=0.5)
    worker.start()
    base = f"/app/stores/{store}"
    seconds = []
    try:
        open_test_shift(till)
        assert wait_until(lambda: till.checkout.scan(s1).ok)  # the catalogue has arrived
        for gtin in (s1, s1, s2, s3):
            assert till.checkout.scan(gtin).ok
        assert till.checkout.totals().total.amount_minor == 1250

        # 3 x S1 for 5.00 on the till's business day (its clock: 2026-11-26).
        _post(
            owner,
            f"{base}/promotions",
            name="S1 3 for 5",
            kind="QuantityPrice",
            quantity="3",
            price="5.00",
            skus="S1",
            starts="2026-11-26",
            ends="2026-11-26",
        )
        seconds.append(_priced_within(till, 1000))

        # 10 % off the category Snacks: S2 put in it on the catalogue page, then S3.
        _post(owner, f"{base}/products/category", sku="S2", category="Snacks")
        _post(owner, f"{base}/promotions", name="Snacks", kind="PercentOff", percent="10",
              category="Snacks")  # fmt: skip
        seconds.append(_priced_within(till, 975))
        _post(owner, f"{base}/products/category", sku="S3", category="Snacks")
        seconds.append(_priced_within(till, 950))

        # Ending a promotion stops it on the till.
        _post(owner, f"{base}/promotions/{_promotion_id(owner, store, 'S1 3 for 5')}/active",
              active="0")  # fmt: skip
        seconds.append(_priced_within(till, 1200))
        # A promotion over before the till's day does not price it.
        _post(owner, f"{base}/promotions", name="Past", kind="PercentOff", percent="50",
              skus="S1", starts="2026-11-01", ends="2026-11-25")  # fmt: skip
        cursor = till.db.execute_sql("SELECT COUNT(*) FROM promotion").fetchone()[0]
        assert wait_until(
            lambda: till.db.execute_sql("SELECT COUNT(*) FROM promotion").fetchone()[0] > cursor
        )
        time.sleep(1.2)  # the pricing cache looks again after a second
        assert till.checkout.totals().total.amount_minor == 1200
    finally:
        assert worker.stop(timeout=10)
        till.close()
    return seconds


def test_promotions_price_the_till_sqlite(sqlite_promo_cloud, ram_path):
    seconds = _promotions_price_the_till(*sqlite_promo_cloud, ram_path)
    print("seconds until the till priced each change:", seconds)
    # ~2 s is the goal (long poll + the pricing cache's 1 s look); generous on a shared box.
    assert max(seconds) < 3, seconds


@pytest.mark.postgres
def test_promotions_price_the_till_postgres(postgres_promo_cloud, ram_path):
    seconds = _promotions_price_the_till(*postgres_promo_cloud, ram_path)
    print("seconds until the till priced each change:", seconds)
    assert max(seconds) < 3, seconds
