"""Promotions and product categories on the web: validation, audit, and what the feeds carry.

Runs against the real app under uvicorn on loopback, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
import threading
import time

import pytest

from pos_cloud.db import connection
from pos_cloud.models import Organisation, Store
from pos_cloud.web.accounts import WebUser
from pos_cloud.web.models import WebAudit
from tests.cloud.backoffice_helpers import page_csrf, set_up_and_sign_in


@pytest.fixture(scope="module")
def owner(server):
    client, _ = set_up_and_sign_in(server)
    return client


def _post(client, path: str, **data):
    return client.post(path, data={**data, "csrf_token": page_csrf(client)})


def _feed(till, stream: str) -> dict:
    return {i["id"]: i for i in till.client.get(f"/v1/feed/{stream}").json()["items"]}


def _audits(object_id: str) -> list[WebAudit]:
    with connection():
        return list(WebAudit.select().where(WebAudit.object_id == object_id).order_by(WebAudit.id))


def _store_with_coffee(cloud) -> tuple:
    till = cloud.till()
    cloud.product(till.store_id, "ESP", price=180)
    cloud.product(till.store_id, "LAT", price=250)
    r = cloud.admin.put(
        f"/v1/admin/stores/{till.store_id}/products/MUF",
        json={"name": "Muffin", "price_minor": 220, "tax_code": "A", "category": "Bakery"},
    )
    assert r.status_code == 200, r.text
    return till, f"/app/stores/{till.store_id}/promotions"


def test_owner_creates_a_promotion_that_the_feed_carries_in_minor_units(owner, cloud):
    till, base = _store_with_coffee(cloud)
    r = _post(
        owner,
        base,
        name=" Coffee  3 for 5 ",
        kind="MixAndMatch",
        quantity="3",
        price="5.00",
        skus="ESP, LAT",
        starts="2026-12-01",
        ends="2026-12-24",
    )
    assert r.status_code == 303, r.text[-500:]
    page = owner.get(r.headers["location"]).text
    assert 'data-testid="promotion-saved"' in page
    row = re.search(r'data-testid="promotion-Coffee 3 for 5">(.*?)</tr>', page, re.S).group(1)
    assert "any 3 for 5.00 EUR" in row and "ESP, LAT" in row and "2026-12-24" in row
    (item,) = _feed(till, "promotions").values()
    products = {i["data"]["sku"]: i["id"] for i in _feed(till, "products").values()}
    assert item["op"] == "upsert"
    assert item["data"] == {
        "name": "Coffee 3 for 5",
        "kind": "MixAndMatch",
        "params": {"quantity": 3, "price_minor": 500},
        "product_ids": [products["ESP"], products["LAT"]],
        "category": None,
        "starts_at": "2026-12-01T00:00:00+00:00",  # the store's days (UTC here)
        "ends_at": "2026-12-25T00:00:00+00:00",  # the end of the last day
        "active": True,
    }
    (audited,) = _audits(item["id"])
    assert audited.action == "promotion.create" and audited.before is None
    assert json.loads(audited.after)["params"] == {"quantity": 3, "price_minor": 500}
    assert "promotion.create" in owner.get("/app/audit").text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "", "kind": "PercentOff", "percent": "10", "skus": "ESP"}, "needs a name"),
        ({"name": "X", "kind": "PercentOff", "percent": "10"}, "Name the products (SKUs)"),
        ({"name": "X", "kind": "PercentOff", "percent": "10", "skus": "NOPE ESP"}, "SKU NOPE"),
        ({"name": "X", "kind": "PercentOff", "percent": "120", "skus": "ESP"}, "at most 100"),
        ({"name": "X", "kind": "PercentOff", "percent": "0.5.1", "skus": "ESP"}, "percentage"),
        ({"name": "X", "kind": "QuantityPrice", "quantity": "1", "price": "1", "skus": "ESP"},
         "from 2 to 999"),
        ({"name": "X", "kind": "QuantityPrice", "quantity": "3", "price": "1.234", "skus": "ESP"},
         "more decimals than EUR"),
        ({"name": "X", "kind": "QuantityPrice", "quantity": "3", "skus": "ESP"},
         "Give the price for 3 pieces"),
        ({"name": "X", "kind": "BuyXGetY", "buy": "two", "get": "1", "skus": "ESP"},
         "not a whole number"),
        ({"name": "X", "kind": "AmountOff", "amount": "0", "skus": "ESP"}, "amount off, above"),
        ({"name": "X", "kind": "PercentOff", "percent": "5", "category": "Shoes"},
         "No product is in the category"),
        ({"name": "X", "kind": "PercentOff", "percent": "5", "skus": "ESP",
          "starts": "2026-12-10", "ends": "2026-12-01"}, "last day is before the first"),
        ({"name": "X", "kind": "PercentOff", "percent": "5", "skus": "ESP", "starts": "10.12."},
         "not a date"),
        ({"name": "X", "kind": "Free", "skus": "ESP"}, "Choose what kind"),
    ],
)  # fmt: skip
def test_bad_promotions_say_what_is_wrong_keep_the_form_and_write_nothing(
    owner, cloud, fields, message
):
    till, base = _store_with_coffee(cloud)
    r = _post(owner, base, **fields)
    assert r.status_code == 422 and message in r.text, r.text[-800:]
    assert 'data-testid="promotion-error"' in r.text
    assert f'value="{fields["name"]}"' in r.text  # what was typed is still there
    assert _feed(till, "promotions") == {}


def test_edit_and_end_go_down_the_feed_and_are_audited(owner, cloud):
    till, base = _store_with_coffee(cloud)
    r = _post(owner, base, name="Bakery", kind="PercentOff", percent="10", category="Bakery")
    assert r.status_code == 303
    (pid,) = _feed(till, "promotions")
    edit = owner.get(f"{base}/{pid}")
    assert edit.status_code == 200 and 'value="Bakery"' in edit.text and "Change" in edit.text
    cursor = till.client.get("/v1/feed/promotions").json()["cursor"]
    r = _post(
        owner,
        f"{base}/{pid}",
        name="Bakery",
        kind="BuyXGetY",
        buy="2",
        get="1",
        percent="",
        category="Bakery",
    )
    assert r.status_code == 303
    (item,) = till.client.get(f"/v1/feed/promotions?after={cursor}").json()["items"]
    assert item["data"]["kind"] == "BuyXGetY"
    assert item["data"]["params"] == {"buy": 2, "get": 1, "percent_off": "100"}
    assert item["data"]["category"] == "Bakery" and item["data"]["product_ids"] == []

    assert _post(owner, f"{base}/{pid}/active", active="0").status_code == 303
    assert _feed(till, "promotions")[pid]["data"]["active"] is False
    page = owner.get(base).text
    assert re.search(r'data-testid="promotion-state">ended<', page)
    assert [a.action for a in _audits(pid)] == [
        "promotion.create",
        "promotion.edit",
        "promotion.end",
    ]
    edited = _audits(pid)[1]
    assert json.loads(edited.before)["kind"] == "PercentOff"
    assert json.loads(edited.after)["kind"] == "BuyXGetY"


def test_a_promotion_of_another_store_is_not_found(owner, cloud):
    till, base = _store_with_coffee(cloud)
    other, other_base = _store_with_coffee(cloud)
    _post(owner, other_base, name="Theirs", kind="PercentOff", percent="5", skus="ESP")
    (theirs,) = _feed(other, "promotions")
    assert owner.get(f"{base}/{theirs}").status_code == 404
    r = _post(owner, f"{base}/{theirs}", name="Mine", kind="PercentOff", percent="9", skus="ESP")
    assert r.status_code == 404
    assert _post(owner, f"{base}/{theirs}/active", active="0").status_code == 404
    assert _feed(other, "promotions")[theirs]["data"]["active"] is True


def test_category_edited_on_the_catalogue_page_is_audited_and_fed(owner, cloud):
    till, _ = _store_with_coffee(cloud)
    base = f"/app/stores/{till.store_id}/products"
    cursor = till.client.get("/v1/feed/products").json()["cursor"]
    r = owner.post(
        f"{base}/category",
        data={"sku": "ESP", "category": "  Hot   drinks ", "csrf_token": page_csrf(owner)},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and 'value="Hot drinks"' in r.text and "Saved" in r.text
    (item,) = till.client.get(f"/v1/feed/products?after={cursor}").json()["items"]
    assert item["data"]["sku"] == "ESP" and item["data"]["category"] == "Hot drinks"
    assert item["data"]["price_minor"] == 180  # nothing else changed
    (audited,) = [a for a in _audits("ESP") if a.store_id == till.store_id]
    assert audited.action == "product.category"
    assert json.loads(audited.before) == {"category": None}
    assert json.loads(audited.after) == {"category": "Hot drinks"}
    listed = owner.get(base, params={"category": "Hot drinks"}).text
    assert 'value="ESP"' in listed and 'value="LAT"' not in listed

    too_long = owner.post(
        f"{base}/category",
        data={"sku": "ESP", "category": "x" * 101, "csrf_token": page_csrf(owner)},
        headers={"HX-Request": "true"},
    )
    assert too_long.status_code == 200 and "at most 100 characters" in too_long.text
    assert 'value="Hot drinks"' in too_long.text  # unchanged
    cleared = _post(owner, f"{base}/category", sku="ESP", category="")
    assert cleared.status_code == 303
    assert _feed(till, "products")[item["id"]]["data"]["category"] is None


def test_a_products_long_poll_ends_when_a_promotion_changes(owner, cloud):
    till, base = _store_with_coffee(cloud)
    products = till.client.get("/v1/feed/products").json()["cursor"]
    promos = till.client.get("/v1/feed/promotions").json()["cursor"]
    params = {"after": products, "wait": 15, "also": f"promotions:{promos},staff:"}
    answer: dict = {}

    def poll() -> None:
        started = time.monotonic()
        answer["page"] = till.client.get("/v1/feed/products", params=params).json()
        answer["seconds"] = time.monotonic() - started

    waiting = threading.Thread(target=poll)
    waiting.start()
    time.sleep(0.5)
    assert waiting.is_alive()  # nothing changed yet: it waits
    _post(owner, base, name="Wake", kind="PercentOff", percent="5", skus="ESP")
    waiting.join(timeout=15)
    page = answer["page"]
    assert page["items"] == [] and not page["has_more"]
    assert int(page["cursor"]) >= int(products)  # no product up to the counter it read
    assert answer["seconds"] < 5
    bad = till.client.get("/v1/feed/products", params={"also": "sales:1"})
    assert bad.status_code == 422 and "is not a stream" in bad.text


def test_owner_creates_one_promotion_in_every_store_or_in_none(server, cloud):
    owner, email = set_up_and_sign_in(server)
    tills = [cloud.till(), cloud.till()]
    with connection():  # a business of its own with these two stores
        org = Organisation.create(name="Two shops")
        Store.update(organisation=org).where(Store.id.in_([t.store_id for t in tills])).execute()
        WebUser.update(organisation_id=org.id).where(WebUser.email == email).execute()
    for till in tills:
        cloud.product(till.store_id, "ESP", price=180)
    first, second = (f"/app/stores/{t.store_id}/promotions" for t in tills)
    assert "in every store of the business" in owner.get(first).text
    cloud.product(tills[0].store_id, "LAT", price=250)  # not sold in the second store
    r = _post(owner, first, name="Both", kind="PercentOff", percent="5", skus="ESP LAT",
              every_store="1")  # fmt: skip
    assert r.status_code == 422 and "In store Shop: " in r.text and "SKU LAT" in r.text
    assert "Nothing was saved" in r.text
    assert all(_feed(t, "promotions") == {} for t in tills)
    r = _post(owner, first, name="Both", kind="PercentOff", percent="5", skus="ESP",
              every_store="1")  # fmt: skip
    assert r.status_code == 303
    fed = [next(iter(_feed(t, "promotions").values())) for t in tills]
    assert fed[0]["id"] != fed[1]["id"]
    assert [f["data"]["name"] for f in fed] == ["Both", "Both"]
    esp = [
        next(i["id"] for i in _feed(t, "products").values() if i["data"]["sku"] == "ESP")
        for t in tills
    ]
    assert [f["data"]["product_ids"] for f in fed] == [[esp[0]], [esp[1]]]
    assert [a.action for a in _audits(fed[1]["id"])] == ["promotion.create"]
    assert "in every store" not in owner.get(f"{second}/{fed[1]['id']}").text  # edits: one store
