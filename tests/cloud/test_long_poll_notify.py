"""Long polls are woken by the change itself (PostgreSQL NOTIFY, or this process's write),
and cost the database nothing while nothing changes."""

from __future__ import annotations

import threading
import time

import pytest

from pos_cloud import catalog, change_notify
from pos_cloud.db import connection, database_proxy

# These tests count every statement the server sends while polls wait; the back office's
# worker (idle it sends nothing on PostgreSQL, a round every 5 s on SQLite: test_backoffice_
# worker_wake.py) is left out.
BACK_OFFICE_WORKER = False


class QueryCounter:
    """Counts the statements the (in-process) server sends through peewee."""

    def __init__(self, monkeypatch) -> None:
        self.count = 0
        database = database_proxy.obj
        original = database.execute_sql

        def counting(sql, params=None, *args, **kwargs):
            self.count += 1
            return original(sql, params, *args, **kwargs)

        monkeypatch.setattr(database, "execute_sql", counting)


def _start_poll(till, cursor: str, wait: int = 15) -> tuple[threading.Thread, dict]:
    answer: dict = {}

    def poll() -> None:
        r = till.client.get("/v1/feed/products", params={"after": cursor, "wait": wait})
        answer["at"] = time.monotonic()
        answer["body"] = r.json()

    thread = threading.Thread(target=poll)
    thread.start()
    return thread, answer


def _idle_queries(monkeypatch, seconds: float) -> int:
    counter = QueryCounter(monkeypatch)
    time.sleep(seconds)
    monkeypatch.undo()
    return counter.count


def _cursor(till) -> str:
    return till.client.get("/v1/feed/products").json()["cursor"]


def test_waiting_costs_no_queries_and_an_api_change_wakes_at_once(cloud, database_url, monkeypatch):
    till = cloud.till()
    cloud.product(till.store_id, "A1", price=100)
    thread, answer = _start_poll(till, _cursor(till))
    time.sleep(0.5)  # the poll has read its empty page and waits
    idle = _idle_queries(monkeypatch, 3.0)
    # PostgreSQL: none at all. SQLite: the one-second fallback read of the counter.
    assert idle == 0 if database_url.startswith("postgres") else idle <= 4, idle
    changed = time.monotonic()
    cloud.admin.put(f"/v1/admin/stores/{till.store_id}/products/A1/price", json={"price_minor": 7})
    thread.join(10)
    assert answer["body"]["items"][0]["data"]["price_minor"] == 7
    assert answer["at"] - changed < 2.0


def test_a_change_from_outside_the_api_wakes_the_poll_within_two_seconds(cloud, database_url):
    """On PostgreSQL the commit's NOTIFY wakes it (as for a CLI import or another worker);
    on SQLite the one-second fallback read finds it."""
    till = cloud.till()
    cloud.product(till.store_id, "B1", price=100)
    thread, answer = _start_poll(till, _cursor(till))
    time.sleep(0.5)
    with connection():  # a write that no API request of this process made
        catalog.set_price(till.store_id, "B1", 9)
    change_notify.flush(committed=False)  # drop this thread's in-process mark: NOTIFY only
    changed = time.monotonic()
    thread.join(10)
    assert answer["body"]["items"][0]["data"]["price_minor"] == 9
    assert answer["at"] - changed < 2.0
    if database_url.startswith("postgres"):
        assert change_notify.hub.listening
        assert answer["at"] - changed < 0.5  # not the fallback: the notification itself


def test_one_change_wakes_every_till_of_the_store_with_one_shared_read(
    cloud, database_url, monkeypatch
):
    """The tills of a store hold the same cursor: a change answers all of them from one read
    (two statements), not one read per till."""
    first = cloud.till()
    tills = [first] + [cloud.till(first.store_id) for _ in range(11)]
    cloud.product(first.store_id, "C1", price=100)
    cursor = _cursor(first)
    polls = [_start_poll(till, cursor) for till in tills]
    time.sleep(1.5)  # every poll read its empty page and waits
    counter = QueryCounter(monkeypatch)
    with connection():  # not through a request: count only what the waiters do
        catalog.set_price(first.store_id, "C1", 5)
    after_write = counter.count
    change_notify.flush()
    for thread, _answer in polls:
        thread.join(10)
    monkeypatch.undo()
    assert all(a["body"]["items"][0]["data"]["price_minor"] == 5 for _t, a in polls)
    # One shared read: the counter and the page (a straggler may read once more).
    assert counter.count - after_write <= 4, counter.count - after_write


def test_timeout_answers_an_empty_page_and_leaves_no_waiter(cloud):
    till = cloud.till()
    cursor = _cursor(till)
    started = time.monotonic()
    r = till.client.get("/v1/feed/products", params={"after": cursor, "wait": 1.5})
    assert r.json() == {"items": [], "cursor": cursor, "has_more": False}
    assert 1.4 < time.monotonic() - started < 5
    assert change_notify.hub.waiting() == 0


@pytest.mark.parametrize("stream", ["stock"])
def test_a_sale_wakes_a_stock_poll(cloud, stream):
    from .conftest import sale_payload

    till = cloud.till()
    cursor = till.client.get(f"/v1/feed/{stream}").json()["cursor"]
    answer: dict = {}

    def poll() -> None:
        r = till.client.get(f"/v1/feed/{stream}", params={"after": cursor, "wait": 10})
        answer["at"] = time.monotonic()
        answer["body"] = r.json()

    thread = threading.Thread(target=poll)
    thread.start()
    time.sleep(0.5)
    pusher = cloud.till(till.store_id)
    changed = time.monotonic()
    assert pusher.push([pusher.event("sale.completed", sale_payload(sku="S1"))]).status_code == 200
    thread.join(10)
    assert answer["body"]["items"][0]["id"] == "S1"
    assert answer["at"] - changed < 2.0


@pytest.mark.postgres
def test_long_polls_on_every_worker_wake_on_a_change_made_through_one(tmp_path):
    """`serve --workers 2`: each worker LISTENs, so a change committed by one wakes the
    long polls held by both."""
    import signal
    import socket
    import subprocess
    import sys

    import httpx

    from pos_cloud import auth
    from pos_cloud.db import ThrowawaySchema, close_database, init_database
    from pos_cloud.migrations import migrate

    from .conftest import PG_DSN, skip_without_postgres

    skip_without_postgres()
    schema = ThrowawaySchema(PG_DSN, "pos_notify_test")
    database = init_database(schema.url)
    with connection():
        migrate(database)
        admin_token = auth.create_admin_token("notify")
        store = catalog.create_store("Two workers")
        catalog.upsert_products(store.id, [catalog.ProductInput("W1", "Item", 100, "A", (), True)])
        tokens = []
        for n in range(6):
            code, _ = auth.create_enrollment_code(store.id)
            tokens.append(auth.enroll(code, f"Lane {n}")["token"])
    close_database(database)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "pos_cloud.cli", "serve", "--workers", "2"]
    server = subprocess.Popen([*command, "--database", schema.url, "--port", str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/v1/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        cursor = httpx.get(
            f"{base}/v1/feed/products", headers={"Authorization": f"Bearer {tokens[0]}"}
        ).json()["cursor"]
        answers: list[float] = []

        def poll(token: str) -> None:
            # A connection each: the kernel spreads them over the two workers.
            r = httpx.get(
                f"{base}/v1/feed/products",
                params={"after": cursor, "wait": 15},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            if r.json()["items"]:
                answers.append(time.monotonic())

        threads = [threading.Thread(target=poll, args=(t,)) for t in tokens]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        changed = time.monotonic()
        r = httpx.put(
            f"{base}/v1/admin/stores/{store.id}/products/W1/price",
            json={"price_minor": 5},
            headers={"Authorization": f"Bearer {admin_token}"},
        )
        assert r.status_code == 200, r.text
        for thread in threads:
            thread.join(20)
        assert len(answers) == len(tokens)
        assert max(answers) - changed < 2.0
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(30)
        schema.drop()


def test_an_idle_repeat_poll_costs_only_its_token_check(cloud, database_url, monkeypatch):
    """A till polls again with the cursor it got (the store's counter) while nothing changes:
    on PostgreSQL with the listener up that is one statement (the token check, which reads the
    store's counter in the same join); on SQLite the counter is read once more after the
    waiter is registered (no listener would tell of another process's write)."""
    till = cloud.till()
    cloud.product(till.store_id, "R1", price=100)
    cursor = _cursor(till)
    if database_url.startswith("postgres"):
        for _ in range(50):  # the listener connects in the background
            if change_notify.hub.listening:
                break
            time.sleep(0.1)
    counter = QueryCounter(monkeypatch)
    thread, answer = _start_poll(till, cursor, wait=2)
    time.sleep(1.0)  # read, registered, waiting
    statements = counter.count
    monkeypatch.undo()
    thread.join(10)
    assert answer["body"] == {"items": [], "cursor": cursor, "has_more": False}
    assert statements == (1 if database_url.startswith("postgres") else 2), statements


def test_the_hub_knows_when_a_registered_waiter_cannot_have_missed_a_change():
    hub = change_notify.Hub()
    assert not hub.missed_nothing_since(hub.wakes())  # no listener: read again
    hub._listener_changed(True)
    mark = hub.wakes()
    assert hub.missed_nothing_since(mark)
    hub.wake("another store")  # a notification handled between the read and registration
    assert not hub.missed_nothing_since(mark)
    mark = hub.wakes()
    hub._listener_changed(False)
    hub._listener_changed(True)  # reconnected: notifications may have been lost meanwhile
    assert not hub.missed_nothing_since(mark)


def test_a_repeat_poll_that_also_watches_other_streams_costs_no_more(
    cloud, database_url, monkeypatch
):
    """The till's poll also watches promotions, staff and quick keys (``also=``). Their
    cursors are the store's counter once the till has pulled them (an empty page moves a
    cursor there), so no stream is probed while nothing changes."""
    till = cloud.till()
    cloud.product(till.store_id, "R2", price=100)
    cursor = _cursor(till)
    also = ",".join(f"{name}:{cursor}" for name in ("promotions", "staff", "quick_keys"))
    if database_url.startswith("postgres"):
        for _ in range(50):
            if change_notify.hub.listening:
                break
            time.sleep(0.1)
    counter = QueryCounter(monkeypatch)
    answer: dict = {}

    def poll() -> None:
        params = {"after": cursor, "wait": 2, "also": also}
        answer["body"] = till.client.get("/v1/feed/products", params=params).json()

    thread = threading.Thread(target=poll)
    thread.start()
    time.sleep(1.0)
    statements = counter.count
    monkeypatch.undo()
    thread.join(10)
    assert answer["body"] == {"items": [], "cursor": cursor, "has_more": False}
    assert statements == (1 if database_url.startswith("postgres") else 2), statements
