"""The back office's worker sleeps without querying and is woken by the change itself."""

from __future__ import annotations

import time

from pos_cloud import catalog, change_notify
from pos_cloud.db import database_proxy
from tests.cloud import test_backoffice_integrations as integrations
from tests.cloud.backoffice_helpers import wait_for
from tests.cloud.conftest import sale_payload
from tests.cloud.test_long_poll_notify import QueryCounter

# The webhook tests' fixtures: a signed-in owner and a receiver on 127.0.0.1.
owner, receiver = integrations.owner, integrations.receiver


def _idle_queries(monkeypatch, seconds: float) -> int:
    counter = QueryCounter(monkeypatch)
    time.sleep(seconds)
    monkeypatch.undo()
    return counter.count


def test_an_idle_worker_queries_nothing_and_a_sale_wakes_it(
    owner, cloud, receiver, database_url, monkeypatch
):
    integrations._register(owner, receiver.url, ["sale.completed"])
    till = cloud.till()
    time.sleep(1.5)  # the rounds the set-up caused are over
    # The server is shared with earlier tests: a webhook retry of theirs may fall due (real
    # work). A worker that polls never has a quiet window; one woken only by changes does.
    windows = []
    for _ in range(5):
        windows.append(_idle_queries(monkeypatch, 3.0))
        if windows[-1] == 0:
            break
    # PostgreSQL: none. SQLite: at most one fallback round (every 5 s, for other processes),
    # which may meet the new store for the first time (its product and stock-check marks).
    idle = min(windows)
    assert idle == 0 if database_url.startswith("postgres") else idle <= 7, windows
    pushed = time.monotonic()
    assert till.push([till.event("sale.completed", sale_payload())]).status_code == 200
    wait_for(lambda: receiver.requests, timeout=5.0, interval=0.01)
    assert time.monotonic() - pushed < 1.0  # woken at once, not by a poll


def test_a_change_written_outside_any_request_wakes_the_worker(
    owner, cloud, receiver, database_url
):
    """Like `pos-cloud import-products` from a shell: PostgreSQL's NOTIFY wakes the worker;
    on SQLite the five-second fallback round finds it."""
    store_id = cloud.store()
    cloud.product(store_id, "W1", price=100)
    integrations._register(owner, receiver.url, ["product.changed"])
    time.sleep(1.5)
    changed = time.monotonic()
    with database_proxy.connection_context():
        catalog.set_price(store_id, "W1", 250)
    change_notify.flush(committed=False)  # as if another process wrote: no in-process wake
    wait_for(lambda: receiver.requests, timeout=8.0, interval=0.01)
    took = time.monotonic() - changed
    assert took < (1.0 if database_url.startswith("postgres") else 6.0), took
