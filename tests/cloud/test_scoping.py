"""A terminal of store A can never read or write store B, on every terminal endpoint."""

from __future__ import annotations

import json

import pytest

from pos_cloud import quick_keys, staff
from pos_cloud.db import connection
from pos_cloud.models import Event, Terminal, new_id

from .conftest import sale_payload

# "stores" lists the organisation's other stores to every store (where transfers can go).
STREAMS = [
    "products",
    "barcodes",
    "tax_rates",
    "customers",
    "stock",
    "staff",
    "quick_keys",
    "transfers",
]


@pytest.fixture(scope="module")
def two_stores(cloud):
    """Store B has data in every stream; store A has none."""
    a, b = cloud.till(), cloud.till()
    base = f"/v1/admin/stores/{b.store_id}"
    cloud.product(b.store_id, "B1", gtins=["4006381333931"])
    cloud.admin.put(f"{base}/tax-rates/A", json={"name": "Std", "rate_bp": 1900})
    cloud.admin.put(f"{base}/customers/{new_id()}", json={"name": "B's customer"})
    b.push([b.event("sale.completed", sale_payload(sku="B1")), b.event(seq=5)])
    with connection():  # made in the back office (no admin API)
        staff.add_staff(b.store_id, "Bea", "cashier", "2468")
        quick_keys.set_key(b.store_id, 1, 0, label="", sku="B1")
    c = cloud.till()  # sends goods to B: on B's list of transfers on their way, not on A's
    sent = {
        "transfer_id": new_id(),
        "to_store_id": b.store_id,
        "lines": [{"sku": "B1", "quantity": "1"}],
    }
    assert c.push([c.event("stock.transfer_sent", sent)]).json()["results"][0]["status"] == "stored"
    return a, b


@pytest.mark.parametrize("stream", STREAMS)
def test_feeds_show_only_the_terminals_store(two_stores, stream):
    a, b = two_stores
    assert b.client.get(f"/v1/feed/{stream}").json()["items"], "store B should have data"
    assert a.client.get(f"/v1/feed/{stream}").json()["items"] == []


def test_me_and_gaps_are_the_callers_own(two_stores):
    a, b = two_stores
    me = a.client.get("/v1/terminals/me").json()
    assert (me["terminal_id"], me["store_id"]) == (a.terminal_id, a.store_id)
    assert a.client.get("/v1/terminals/me/gaps").json() == {
        "last_seq": 0,
        "gaps": [],
        "missing": [],
    }
    assert b.client.get("/v1/terminals/me/gaps").json()["missing"] == [2, 3, 4]


def test_events_cannot_touch_another_stores_events_or_sales(two_stores):
    a, b = two_stores
    with connection():
        b_event = Event.select().where(Event.terminal == b.terminal_id).first()
    hijack = {
        "event_id": b_event.event_id,
        "seq": 1,
        "type": "note",
        "occurred_at": "2024-05-01T10:00:00Z",
        "payload": {},
        "journal_hash": None,
    }
    result = a.push([hijack]).json()["results"][0]
    assert result["status"] == "rejected"
    # The same answer as for an id of its own sent with another body: nothing says that the
    # id exists in another store (it used to: "already used by another terminal").
    assert result["reason"] == "event id reused with a different body"
    # Re-sending B's sale from A: the sale id is B's, so it is refused, not moved.
    with connection():
        body = Event.get_by_id(b_event.event_id).body
    sale = json.loads(body)["payload"]
    stolen = a.push([a.event("sale.completed", sale)]).json()["results"][0]
    assert stolen["status"] == "rejected"
    with connection():
        assert Event.get_by_id(b_event.event_id).terminal_id == b.terminal_id
        assert Terminal.get_by_id(a.terminal_id).last_seq == 0


def test_admin_routes_are_closed_to_terminals(two_stores):
    a, b = two_stores
    base = f"/v1/admin/stores/{b.store_id}"
    for method, path in [
        ("GET", "/v1/admin/stores"),
        ("POST", f"{base}/enrollment-codes"),
        ("PUT", f"{base}/products/X"),
        ("DELETE", f"{base}/products/B1"),
        ("GET", f"{base}/sales?day=2024-05-01"),
        ("GET", f"{base}/reports/daily?day=2024-05-01"),
        ("GET", f"{base}/terminals"),
        ("POST", f"/v1/admin/terminals/{b.terminal_id}/revoke"),
    ]:
        assert a.client.request(method, path, json={}).status_code == 401, path


def test_admin_cannot_write_a_customer_id_of_another_store(cloud, two_stores):
    a, b = two_stores
    cid = b.client.get("/v1/feed/customers").json()["items"][0]["id"]
    r = cloud.admin.put(f"/v1/admin/stores/{a.store_id}/customers/{cid}", json={"name": "X"})
    assert r.status_code == 404
