"""The admin API's product and customer lists (SQLite and PostgreSQL): list with paging and
filters, get one, create and update (what a web shop or an accounting tool syncs with)."""

from __future__ import annotations


def _put(cloud, store: str, sku: str, **fields) -> dict:
    body = {"name": f"Item {sku}", "price_minor": 199, "tax_code": "A", "gtins": []} | fields
    r = cloud.admin.put(f"/v1/admin/stores/{store}/products/{sku}", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def _pages(cloud, path: str, **params) -> list[list[str]]:
    """Every page of a list, as the SKUs or ids on each."""
    pages, after = [], ""
    while True:
        r = cloud.admin.get(path, params=params | {"after": after})
        assert r.status_code == 200, r.text
        body = r.json()
        pages.append([i.get("sku") or i["id"] for i in body["items"]])
        if body["next"] is None:
            return pages
        after = body["next"]


def test_products_are_listed_in_pages_with_filters(cloud):
    store = cloud.store()
    for n in range(1, 8):
        _put(cloud, store, f"P{n:02d}", name=f"Coffee {n}" if n % 2 else f"Tea {n}")
    _put(cloud, store, "P08", name="Tea 8", category="Drinks", gtins=["4006381333931"])
    _put(cloud, store, "P09", name="Old tea", active=False)
    cloud.admin.delete(f"/v1/admin/stores/{store}/products/P07")
    path = f"/v1/admin/stores/{store}/products"

    assert _pages(cloud, path, limit=3) == [
        ["P01", "P02", "P03"],
        ["P04", "P05", "P06"],
        ["P08", "P09"],
    ]  # deleted ones are gone, inactive ones listed
    assert _pages(cloud, path, q="tea") == [["P02", "P04", "P06", "P08", "P09"]]
    assert _pages(cloud, path, q="tea", active="true") == [["P02", "P04", "P06", "P08"]]
    assert _pages(cloud, path, active="false") == [["P09"]]
    assert _pages(cloud, path, category="Drinks") == [["P08"]]
    assert _pages(cloud, path, q="4006381333931") == [["P08"]]  # by barcode too
    item = cloud.admin.get(path, params={"category": "Drinks"}).json()["items"][0]
    # barcodes as GTIN-14, the form the catalogue keeps (an EAN-13 gets a leading 0)
    assert item["gtins"] == ["04006381333931"] and item["price_minor"] == 199


def test_get_one_product_and_update_it(cloud):
    store = cloud.store()
    _put(cloud, store, "G1", name="Green tea", gtins=["4006381333931"])
    path = f"/v1/admin/stores/{store}/products/G1"
    got = cloud.admin.get(path).json()
    assert (got["name"], got["price_minor"], got["gtins"]) == ("Green tea", 199, ["04006381333931"])
    _put(cloud, store, "G1", name="Green tea 100 g", price_minor=349, gtins=["4006381333931"])
    assert cloud.admin.get(path).json()["price_minor"] == 349
    missing = cloud.admin.get(f"/v1/admin/stores/{store}/products/NOPE")
    assert missing.status_code == 404 and "NOPE" in missing.text


def test_bad_list_parameters_are_refused_with_a_reason(cloud):
    store = cloud.store()
    path = f"/v1/admin/stores/{store}/products"
    assert cloud.admin.get(path, params={"limit": 0}).status_code == 422
    assert cloud.admin.get(path, params={"limit": 1000}).status_code == 422
    assert cloud.admin.get(path, params={"active": "maybe"}).status_code == 422
    unknown = cloud.admin.get("/v1/admin/stores/no-such-store/products")
    assert unknown.status_code == 404


def test_get_one_customer_after_creating_and_updating_it(cloud):
    store = cloud.store()
    path = f"/v1/admin/stores/{store}/customers/C-API-1"
    r = cloud.admin.put(path, json={"name": "Dora Lind", "email": "dora@example.org"})
    assert r.status_code == 200, r.text
    got = cloud.admin.get(path).json()
    assert (got["name"], got["email"], got["phone"]) == ("Dora Lind", "dora@example.org", None)
    cloud.admin.put(path, json={"name": "Dora Lind", "phone": "0171 555 0123"})
    assert cloud.admin.get(path).json()["phone"] == "0171 555 0123"
    listed = cloud.admin.get(f"/v1/admin/stores/{store}/customers", params={"q": "dora"})
    assert [c["id"] for c in listed.json()["items"]] == ["C-API-1"]
    cloud.admin.delete(path)
    assert cloud.admin.get(path).status_code == 404
    other = cloud.store()
    assert cloud.admin.get(f"/v1/admin/stores/{other}/customers/C-API-1").status_code == 404
