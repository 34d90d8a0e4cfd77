"""Paging with prefetch: many small pages, a 409 or a network failure on a prefetched page,
big pages accepted by the server, and no helper thread left behind."""

from __future__ import annotations

import threading

import httpx
import pytest
from sync_helpers import cloud_fixture, creds, make_till, seed_catalog

from pos_desktop.storage import sync_repo
from pos_desktop.sync.client import CloudClient, CloudOffline
from pos_desktop.sync.pull import Puller

pages_cloud = cloud_fixture("sqlite")


class FaultyTransport(httpx.BaseTransport):
    """The real HTTP transport, except that chosen feed requests (by count) get a canned
    status code instead of reaching the server."""

    def __init__(self, faults: dict[int, int]) -> None:
        self._real = httpx.HTTPTransport()
        self._faults = faults  # n-th feed request (1-based) -> status code to answer
        self.feed_requests: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/v1/feed/"):
            self.feed_requests.append(str(request.url.params.get("after")))
            status = self._faults.pop(len(self.feed_requests), None)
            if status is not None:
                return httpx.Response(status, json={"detail": "injected"}, request=request)
        return self._real.handle_request(request)

    def close(self) -> None:
        self._real.close()


@pytest.fixture
def store_and_till(pages_cloud, ram_path):
    server, cloud = pages_cloud
    store = cloud.store("EUR")
    gtins = seed_catalog(store, 40)
    till = make_till(ram_path / "till", server.url, cloud.code(store))
    yield server, till, gtins
    till.close()


def _products(till) -> int:
    return till.db.execute_sql("SELECT COUNT(*) FROM product WHERE sku LIKE 'S%'").fetchone()[0]


def test_many_small_pages_arrive_complete_and_leave_no_thread(store_and_till):
    server, till, gtins = store_and_till
    before = set(threading.enumerate())  # other tests' threads may end meanwhile: compare sets
    with CloudClient(server.url, creds(till).token) as client:
        pulled = Puller(till.db, client, page_size=3).pull_all()
    assert pulled["products"] == 40 and pulled["barcodes"] == 40
    assert _products(till) == 40
    assert till.catalog.find_by_gtin("0" + gtins[-1]) is not None
    assert [t.name for t in set(threading.enumerate()) - before] == []


def test_a_409_on_a_prefetched_page_restarts_the_stream(store_and_till):
    server, till, _ = store_and_till
    transport = FaultyTransport({3: 409})  # tax_rates is request 1; products 2, 3 (prefetch)
    with CloudClient(server.url, creds(till).token, transport=transport) as client:
        puller = Puller(till.db, client, page_size=10)
        puller.pull_stream("tax_rates")
        assert puller.pull_stream("products") == 10 + 40  # first page, then all again
    assert transport.feed_requests[3] == "None"  # the restart asked from the beginning
    assert _products(till) == 40


def test_a_failed_prefetch_keeps_the_cursor_at_the_last_applied_page(store_and_till):
    server, till, _ = store_and_till
    transport = FaultyTransport({4: 503})  # products pages 1 and 2 arrive, page 3 fails
    with CloudClient(server.url, creds(till).token, transport=transport) as client:
        puller = Puller(till.db, client, page_size=10)
        puller.pull_stream("tax_rates")
        with pytest.raises(CloudOffline):
            puller.pull_stream("products")
        assert _products(till) == 20
        cursor = sync_repo.get_cursor(till.db, "products")
        assert cursor == transport.feed_requests[3]  # the failed request's cursor
        assert puller.pull_stream("products") == 20  # resumes; nothing skipped or repeated
    assert _products(till) == 40


def test_server_serves_pages_up_to_ten_thousand(store_and_till):
    server, till, _ = store_and_till
    with CloudClient(server.url, creds(till).token) as client:
        page = client.feed("products", None, limit=10_000)
        assert len(page["items"]) == 40 and page["has_more"] is False
        with pytest.raises(Exception, match="422"):
            client.feed("products", None, limit=10_001)
