"""The back-office worker checks stock after it changes: a sale that takes a product below its
reorder point delivers one ``stock.low`` webhook to a receiver on loopback, and the dashboard
counts the low products (SQLite and PostgreSQL, the real app with its worker)."""

from __future__ import annotations

import json
import time

import pytest

from tests.cloud.backoffice_helpers import set_up_and_sign_in, wait_for
from tests.cloud.conftest import sale_payload
from tests.cloud.test_backoffice_integrations import Receiver, _register
from tests.cloud.test_restock import _history, _receive
from tests.cloud.test_stock_ledger import _push_ok


@pytest.fixture(scope="module")
def owner(server):
    client, _ = set_up_and_sign_in(server)
    return client


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def _stock_low(receiver, store_id: str) -> list[dict]:
    bodies = [json.loads(b) for h, b in receiver.requests if h["x-pos-event"] == "stock.low"]
    return [b for b in bodies if b["store_id"] == store_id]


def _feed(till) -> dict:
    """The till's ``stock`` feed row of FAST (its latest version)."""
    items = till.client.get("/v1/feed/stock").json()["items"]
    return [i["data"] for i in items if i["id"] == "FAST"][-1]


def test_a_sale_below_the_reorder_point_sends_stock_low_once(owner, cloud, receiver):
    _register(owner, receiver.url, ["stock.low"])
    till = cloud.till()
    sid = till.store_id
    cloud.product(sid, "FAST")
    # Four weeks of sales (about 3.4 a day) with plenty left: not low.
    _push_ok(till, [_receive(till, "FAST", "130")])
    _push_ok(till, _history(till, "FAST"))  # 96 sold: 34 left
    dashboard = owner.get(f"/app/stores/{sid}/dashboard").text
    assert 'data-testid="low-stock-count">0<' in dashboard
    time.sleep(0.5)
    assert _stock_low(receiver, sid) == []

    # One sale takes it to 4, below its reorder point (about 10): one alert, by the worker.
    _push_ok(till, [till.event("sale.completed", sale_payload(sku="FAST", quantity="30"))])
    (alert,) = wait_for(lambda: _stock_low(receiver, sid), timeout=10)
    assert alert["type"] == "stock.low" and alert["data"]["sku"] == "FAST"
    assert alert["data"]["on_hand"] == "4" and alert["data"]["suggested_quantity"] > 0
    wait_for(lambda: 'data-testid="low-stock-count">1<' in owner.get(
        f"/app/stores/{sid}/dashboard").text)  # fmt: skip
    assert _feed(till) == {"sku": "FAST", "quantity": "4", "low": True}  # for the manager

    # More sales while it stays low: no second alert.
    _push_ok(till, [till.event("sale.completed", sale_payload(sku="FAST", quantity="1"))])
    _push_ok(till, [till.event("sale.completed", sale_payload(sku="FAST", quantity="1"))])
    time.sleep(1.5)
    assert len(_stock_low(receiver, sid)) == 1

    # Goods arrive (back above), then it sells down again: a new fall, a new alert.
    _push_ok(till, [_receive(till, "FAST", "60")])
    wait_for(lambda: 'data-testid="low-stock-count">0<' in owner.get(
        f"/app/stores/{sid}/dashboard").text)  # fmt: skip
    assert _feed(till) == {"sku": "FAST", "quantity": "62"}  # low no more
    _push_ok(till, [till.event("sale.completed", sale_payload(sku="FAST", quantity="60"))])
    wait_for(lambda: len(_stock_low(receiver, sid)) == 2, timeout=10)
    time.sleep(1.0)
    assert len(_stock_low(receiver, sid)) == 2
