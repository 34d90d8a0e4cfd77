"""An idle till asks the cloud once per long poll, not once per stream.

Its products long poll also watches the other streams (``also=``), so a poll that runs out
its wait proves nothing changed anywhere: the till does not ask the dozen other feeds again
(a full pull of every stream still runs every FULL_PULL_EVERY seconds). A change in one of
those streams ends the poll at once and reaches the till.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import httpx
from sync_helpers import cloud_fixture, make_till, wait_until

from pos_cloud import catalog, change_notify
from pos_cloud.db import connection
from pos_desktop.sync import worker as worker_module
from pos_desktop.sync.worker import SyncWorker

idle_cloud = cloud_fixture("sqlite")


class CountingTransport(httpx.HTTPTransport):
    """The real network transport, counting the feed requests by stream."""

    def __init__(self) -> None:
        super().__init__()
        self.feeds: Counter[str] = Counter()
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.startswith("/v1/feed/"):
            with self._lock:
                self.feeds[path.rsplit("/", 1)[-1]] += 1
        return super().handle_request(request)

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.feeds)


def _tax_rate(till, code: str):
    row = till.db.execute_sql("SELECT name FROM tax_rate WHERE code = ?", (code,)).fetchone()
    return row[0] if row else None


def test_an_idle_till_sends_one_long_poll_per_wait_and_hears_changes_at_once(idle_cloud, ram_path):
    server, cloud = idle_cloud
    store = cloud.store("EUR")
    cloud.product(store, "ESP", price=180)
    till = make_till(ram_path / "till", server.url, cloud.code(store))
    counting = CountingTransport()
    worker = SyncWorker(
        till.config.database_path, long_poll_wait=1.0, backoff_cap=0.5, transport=counting
    )
    assert worker_module.FULL_PULL_EVERY >= 30  # no full pull inside the window below
    worker.start()
    try:
        assert wait_until(lambda: counting.snapshot()["purchase_orders"] >= 1)  # caught up
        time.sleep(1.5)  # the first long poll is on its way
        before = counting.snapshot()
        time.sleep(4.5)  # about four quiet long polls
        during = counting.snapshot() - before
        assert 2 <= during["products"] <= 6, during
        assert sum(during.values()) == during["products"], during  # no other feed asked

        with connection():  # a change in a watched stream, made outside the till
            catalog.upsert_tax_rate(store, "Z", "Zero", 0)
        change_notify.flush()
        changed = time.monotonic()
        assert wait_until(lambda: _tax_rate(till, "Z") == "Zero", timeout=10)
        assert time.monotonic() - changed < 2.0
    finally:
        worker.stop()
