"""Nothing lost, nothing doubled: a fault-injecting proxy, lost responses, two pushers, two
tills with a cloud price change, and a parked event shown in the worker's status."""

from __future__ import annotations

import itertools
import threading

import pytest
from sync_helpers import (
    FaultProxy,
    cloud_fixture,  # noqa: I001 (fixture factory)
    creds,
    make_till,
    random_faults,
    seed_catalog,
    sell,
    wait_until,
)

from pos_cloud.db import connection
from pos_cloud.models import Event
from pos_desktop.storage import outbox
from pos_desktop.storage.db import open_database
from pos_desktop.sync.client import CloudClient, CloudOffline
from pos_desktop.sync.pull import Puller
from pos_desktop.sync.push import Pusher
from pos_desktop.sync.worker import SyncWorker

faults_cloud = cloud_fixture("sqlite")
pytestmark = pytest.mark.slow  # each test pushes 60-120 sales through faults
DAY = "2026-11-26"


@pytest.fixture
def store_till(faults_cloud, ram_path):
    """A till enrolled in a fresh store with 20 cloud products pulled."""
    server, cloud = faults_cloud
    store = cloud.store("EUR")
    gtins = seed_catalog(store, 20)
    till = make_till(ram_path / "till", server.url, cloud.code(store))
    c = creds(till)
    with CloudClient(c.cloud_url, c.token) as client:
        Puller(till.db, client).pull_all()
    till.catalog.forget_cached_rates()
    yield server, cloud, store, till, gtins
    till.close()


def _server_events(terminal_id: str) -> list[str]:
    with connection():
        return [e.event_id for e in Event.select().where(Event.terminal == terminal_id)]


def _server_sale_ids(cloud, store: str) -> list[str]:
    r = cloud.admin.get(f"/v1/admin/stores/{store}/sales", params={"day": DAY})
    assert r.status_code == 200, r.text
    return [s["sale_id"] for s in r.json()]


def _push_until_drained(till, url: str, token: str, batch: int, attempts: int = 500) -> int:
    """Retry like the worker does (without sleeping): returns the number of failed tries."""
    failures = 0
    with CloudClient(url, token, timeout=10) as client:
        pusher = Pusher(till.db, client, batch_size=batch)
        for _ in range(attempts):
            try:
                pusher.push_pending()
            except CloudOffline:
                failures += 1
                continue
            if not outbox.pending(till.db):
                return failures
    raise AssertionError("the outbox did not drain")


def test_flaky_network_loses_and_doubles_nothing(store_till):
    server, cloud, store, till, gtins = store_till
    sales = sell(till, gtins[0], times=60)
    weights = {"ok": 3, "500": 1, "reset": 1, "delay": 1, "duplicate": 1, "drop_response": 1}
    proxy = FaultProxy(server.port, random_faults(seed=42, weights=weights))
    try:
        failures = _push_until_drained(till, proxy.url, creds(till).token, batch=2)
    finally:
        proxy.close()
    assert failures > 0 and all(proxy.counts[f] > 0 for f in weights), (failures, proxy.counts)
    events = _server_events(creds(till).terminal_id)
    assert len(events) == len(set(events)) == 61  # the shift's opening and its 60 sales
    sale_ids = _server_sale_ids(cloud, store)
    assert sorted(sale_ids) == sorted(s.sale_id for s in sales)
    assert outbox.counts(till.db) == {"sent": 61}


def test_response_lost_after_commit_100_times_stores_each_event_once(store_till):
    server, cloud, store, till, gtins = store_till
    sell(till, gtins[1], times=100)
    flip = itertools.cycle(["drop_response", "ok"])
    proxy = FaultProxy(server.port, lambda method, path: next(flip))
    try:
        failures = _push_until_drained(till, proxy.url, creds(till).token, batch=1)
    finally:
        proxy.close()
    assert failures == proxy.counts["drop_response"] == 101  # the shift's opening + 100 sales
    events = _server_events(creds(till).terminal_id)
    assert len(events) == len(set(events)) == 101
    assert len(set(_server_sale_ids(cloud, store))) == 100


def test_two_pushers_at_once_one_holds_the_lease(store_till):
    server, cloud, store, till, gtins = store_till
    sell(till, gtins[2], times=120)
    # Every request is delayed, so the first pusher holds the lease while the second tries.
    proxy = FaultProxy(server.port, lambda method, path: "delay")
    c = creds(till)
    start = threading.Barrier(2)
    results = []

    def push() -> None:
        db = open_database(till.config.database_path)  # a second connection, like a 2nd process
        try:
            with CloudClient(proxy.url, c.token) as client:
                pusher = Pusher(db, client, batch_size=20)
                start.wait()
                results.append(pusher.push_pending())
        finally:
            db.close()

    threads = [threading.Thread(target=push) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        proxy.close()
    assert sorted(r.lease_busy for r in results) == [False, True]
    assert sum(r.sent for r in results) == 121  # the shift's opening and its 120 sales
    events = _server_events(c.terminal_id)
    assert len(events) == len(set(events)) == 121


def test_parked_event_is_shown_and_later_sales_still_go(store_till):
    server, cloud, store, till, gtins = store_till
    bad = {"sale_id": "not-a-uuid", "lines": [], "payments": []}
    with till.db.atomic():
        outbox.append_event(till.db, "sale.completed", bad, till.clock.now())
    sale = sell(till, gtins[3])[0]
    worker = SyncWorker(till.config.database_path, long_poll_wait=0.5, backoff_cap=0.5)
    worker.start()
    try:
        worker.notify()
        assert wait_until(lambda: worker.status().parked == 1 and worker.status().pending == 0)
        status = worker.status()
    finally:
        assert worker.stop(timeout=10)
    assert "sale.completed payload invalid" in status.parked_reasons[0]
    assert status.online and status.last_success_at is not None
    assert sale.sale_id in _server_sale_ids(cloud, store)


def test_two_tills_see_a_cloud_price_change_and_both_sales_arrive(faults_cloud, ram_path):
    server, cloud, *_ = faults_cloud
    store = cloud.store("EUR")
    gtin = seed_catalog(store, 3)[0]
    tills = [
        make_till(ram_path / f"till{i}", server.url, cloud.code(store), f"Lane {i}") for i in (1, 2)
    ]
    workers = [SyncWorker(t.config.database_path, long_poll_wait=3, backoff_cap=0.5) for t in tills]
    price_sql = "SELECT p.price_minor FROM barcode b JOIN product p ON p.id = b.product_id "
    price_sql += "WHERE b.gtin = ?"

    def price(till) -> int | None:
        row = till.db.execute_sql(price_sql, ("0" + gtin,)).fetchone()
        return row[0] if row else None

    try:
        for w in workers:
            w.start()
        assert wait_until(lambda: all(price(t) == 250 for t in tills))
        assert wait_until(lambda: all(w.status().online for w in workers))
        r = cloud.admin.put(
            f"/v1/admin/stores/{store}/products/S1/price", json={"price_minor": 275}
        )
        assert r.status_code == 200, r.text
        # Both workers are inside a 3 s long poll; the change must arrive through it.
        assert wait_until(lambda: all(price(t) == 275 for t in tills), timeout=2.5)
        sales = []
        for till, worker in zip(tills, workers, strict=True):
            till.catalog.forget_cached_rates()
            sales += sell(till, gtin)
            worker.notify()
        assert all(s.total_minor == 275 for s in sales)
        assert wait_until(lambda: not any(outbox.pending(t.db) for t in tills))
    finally:
        stopped = [w.stop(timeout=10) for w in workers]
        for t in tills:
            t.close()
    assert all(stopped)
    assert sorted(_server_sale_ids(cloud, store)) == sorted(s.sale_id for s in sales)
