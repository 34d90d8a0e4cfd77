"""End to end over a real cloud (SQLite and PostgreSQL): enroll, pull a 10,000-product
catalogue, sell with the cloud stopped, reconnect, and find the sales in the daily report."""

from __future__ import annotations

import pytest
from sync_helpers import bulk_seed_catalog, cloud_fixture, creds, make_till, sell, wait_until

from pos_desktop.storage import outbox
from pos_desktop.sync.client import CloudClient, CloudOffline
from pos_desktop.sync.pull import Puller
from pos_desktop.sync.push import Pusher
from pos_desktop.sync.worker import SyncWorker

sqlite_e2e_cloud = cloud_fixture("sqlite")
postgres_e2e_cloud = cloud_fixture("postgres")

DAY = "2026-11-26"  # tests.conftest.FixedClock's day; the store's time zone is UTC


def _end_to_end(server, cloud, ram_path) -> None:
    store = cloud.store("EUR")
    gtins = bulk_seed_catalog(store, 10_000)
    till = make_till(ram_path / "till", server.url, cloud.code(store))
    try:
        c = creds(till)
        with CloudClient(c.cloud_url, c.token) as client:
            pulled = Puller(till.db, client).pull_all()
        assert pulled["products"] == 10_000 and pulled["barcodes"] == 10_000
        assert till.catalog.count_products() == 10_000
        till.catalog.forget_cached_rates()

        server.stop()  # the cloud is gone: selling goes on
        sales = sell(till, gtins[123], times=5) + sell(till, gtins[9_999], times=3)
        assert [s.receipt_number for s in sales] == list(range(1, 9))
        with CloudClient(c.cloud_url, c.token) as client, pytest.raises(CloudOffline):
            Pusher(till.db, client).push_pending()
        pending = [e.type for e in outbox.pending(till.db)]
        assert pending == ["shift.opened"] + ["sale.completed"] * 8  # the shift, then its sales

        server.start()  # back online: a worker drains the outbox by itself
        worker = SyncWorker(till.config.database_path, long_poll_wait=0.5, backoff_cap=0.5)
        worker.start()
        try:
            worker.notify()
            assert wait_until(lambda: worker.status().pending == 0 and worker.status().online)
        finally:
            assert worker.stop(timeout=10)
    finally:
        till.close()
    report = cloud.admin.get(f"/v1/admin/stores/{store}/reports/daily", params={"day": DAY})
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["sale_count"] == 8
    assert body["gross_minor"] == sum(s.total_minor for s in sales) == 8 * 250


def test_end_to_end_sqlite(sqlite_e2e_cloud, ram_path):
    _end_to_end(*sqlite_e2e_cloud, ram_path)


@pytest.mark.postgres
def test_end_to_end_postgres(postgres_e2e_cloud, ram_path):
    _end_to_end(*postgres_e2e_cloud, ram_path)
