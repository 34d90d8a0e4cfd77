"""Change feeds: paging, tombstones, late commits and long polling."""

from __future__ import annotations

import random
import threading
import time

from pos_cloud import catalog
from pos_cloud.catalog import ProductInput
from pos_cloud.db import connection, database_proxy
from pos_cloud.feeds import next_change_seqs
from pos_cloud.models import Product, new_id


def _drain(client, stream: str, cursor: str = "", limit: int = 1000) -> tuple[list, str]:
    items = []
    while True:
        r = client.get(f"/v1/feed/{stream}", params={"after": cursor, "limit": limit})
        assert r.status_code == 200, r.text
        page = r.json()
        items += page["items"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return items, cursor


def test_pages_follow_the_cursor(cloud):
    till = cloud.till()
    for i in range(7):
        cloud.product(till.store_id, f"S{i}", gtins=["4006381333931"] if i == 0 else [])
    items, cursor = _drain(till.client, "products", limit=3)
    assert [i["data"]["sku"] for i in items] == [f"S{i}" for i in range(7)]
    assert till.client.get("/v1/feed/products", params={"after": cursor}).json() == {
        "items": [],
        "cursor": cursor,
        "has_more": False,
    }
    barcodes, _ = _drain(till.client, "barcodes")
    assert barcodes[0]["id"] == "04006381333931"
    assert barcodes[0]["data"]["product_id"] == items[0]["id"]


def test_price_change_and_delete_arrive_as_upsert_and_tombstones(cloud):
    till = cloud.till()
    cloud.product(till.store_id, "P1", gtins=["4006381333931"])
    _, cursor = _drain(till.client, "products")
    _, bcursor = _drain(till.client, "barcodes")
    r = cloud.admin.put(
        f"/v1/admin/stores/{till.store_id}/products/P1/price", json={"price_minor": 249}
    )
    assert r.status_code == 200
    items, cursor = _drain(till.client, "products", cursor)
    assert [(i["op"], i["data"]["price_minor"]) for i in items] == [("upsert", 249)]
    assert cloud.admin.delete(f"/v1/admin/stores/{till.store_id}/products/P1").status_code == 204
    items, _ = _drain(till.client, "products", cursor)
    assert [(i["op"], i["data"]["sku"]) for i in items] == [("delete", "P1")]
    codes, _ = _drain(till.client, "barcodes", bcursor)
    assert [(c["op"], c["id"]) for c in codes] == [("delete", "04006381333931")]
    assert cloud.admin.delete(f"/v1/admin/stores/{till.store_id}/products/P1").status_code == 404


def test_other_streams_tax_rates_and_customers(cloud):
    till = cloud.till()
    base = f"/v1/admin/stores/{till.store_id}"
    assert cloud.admin.put(f"{base}/tax-rates/A", json={"name": "Std", "rate_bp": 1900}).is_success
    cid = new_id()
    assert cloud.admin.put(f"{base}/customers/{cid}", json={"name": "Bo"}).is_success
    assert cloud.admin.delete(f"{base}/tax-rates/A").status_code == 204
    taxes, _ = _drain(till.client, "tax_rates")
    assert [(t["op"], t["id"]) for t in taxes] == [("delete", "A")]
    customers, _ = _drain(till.client, "customers")
    assert customers == [
        {"op": "upsert", "id": cid, "data": {"id": cid, "name": "Bo", "email": None, "phone": None}}
    ]


def test_reader_never_misses_rows_committed_late(cloud):
    """Writers commit out of start order (one holds its seq while sleeping); the reader pages
    concurrently and must end with every row."""
    till = cloud.till()
    store = till.store_id
    expected: set[str] = set()
    lock = threading.Lock()
    stop = threading.Event()

    def writer(w: int) -> None:
        rng = random.Random(w)
        for i in range(15):
            sku = f"W{w}-{i}"
            with connection():
                if i % 3 == 0:
                    with database_proxy.atomic():
                        seq = next_change_seqs(store)
                        Product.create(
                            id=new_id(),
                            store=store,
                            sku=sku,
                            name=sku,
                            price_minor=1,
                            tax_code="A",
                            change_seq=seq,
                        )
                        time.sleep(rng.random() * 0.02)  # commit late, holding the seq
                else:
                    catalog.upsert_products(store, [ProductInput(sku, sku, 1, "A")])
            with lock:
                expected.add(sku)

    seen: set[str] = set()
    cursor = ""

    def read_once() -> None:
        nonlocal cursor
        items, cursor = _drain(till.client, "products", cursor, limit=7)
        seen.update(i["data"]["sku"] for i in items)

    writers = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in writers:
        t.start()
    while any(t.is_alive() for t in writers):
        read_once()
    stop.set()
    read_once()
    assert len(expected) == 60
    assert seen == expected


def test_long_poll_returns_as_soon_as_a_change_arrives(cloud):
    """The poll must be seen waiting (no change yet), then wake on the change, long before its
    own timeout: a poll that answered at once, or only at its timeout, fails."""
    till = cloud.till()
    _, cursor = _drain(till.client, "products")
    result: dict = {}

    def poll() -> None:
        r = till.client.get("/v1/feed/products", params={"after": cursor, "wait": 20})
        result["returned"] = time.monotonic()
        result["page"] = r.json()

    t = threading.Thread(target=poll)
    t.start()
    t.join(timeout=1.5)
    assert t.is_alive(), f"the poll answered before any change: {result.get('page')}"
    changed = time.monotonic()
    cloud.product(till.store_id, "LP1", price=777)
    t.join(timeout=25)
    assert not t.is_alive()
    assert [i["data"]["price_minor"] for i in result["page"]["items"]] == [777]
    woke_after = result["returned"] - changed
    assert woke_after < 5, f"woke {woke_after:.1f} s after the change (timeout is 20 s)"


def test_long_poll_times_out_with_an_empty_page(cloud):
    till = cloud.till()
    r = till.client.get("/v1/feed/stock", params={"wait": 0.3})
    # Nothing in this stream up to the store's counter: the cursor moves there, so the next
    # poll needs no page read while nothing changes.
    counter = till.client.get("/v1/feed/products").json()["cursor"]
    assert int(counter) > 0
    assert r.json() == {"items": [], "cursor": counter, "has_more": False}


def test_an_advanced_cursor_never_skips_a_later_row(cloud):
    """Empty pages move the cursor to the store's counter; a row written afterwards (in this
    stream or another) is still the next poll's page, and an idle repeat poll stays empty."""
    till = cloud.till()
    cursor = till.client.get("/v1/feed/customers").json()["cursor"]
    cloud.product(till.store_id, "ADV1", price=100)  # another stream moves the counter
    empty = till.client.get("/v1/feed/customers", params={"after": cursor}).json()
    assert empty["items"] == [] and int(empty["cursor"]) > int(cursor)
    again = till.client.get("/v1/feed/customers", params={"after": empty["cursor"]}).json()
    assert again == {"items": [], "cursor": empty["cursor"], "has_more": False}
    cloud.product(till.store_id, "ADV2", price=200)
    page = till.client.get("/v1/feed/products", params={"after": empty["cursor"]}).json()
    assert [i["data"]["sku"] for i in page["items"]] == ["ADV2"]


def test_bad_cursor_limit_and_stream(cloud):
    till = cloud.till()
    assert till.client.get("/v1/feed/products", params={"after": "abc"}).status_code == 422
    assert till.client.get("/v1/feed/products", params={"limit": 0}).status_code == 422
    assert till.client.get("/v1/feed/products", params={"wait": 26}).status_code == 422
    assert till.client.get("/v1/feed/users").status_code == 422
    ahead = till.client.get("/v1/feed/products", params={"after": "999999"})
    assert ahead.status_code == 409 and "Resync" in ahead.json()["detail"]
