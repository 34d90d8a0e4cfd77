"""Purchase orders against a real server (SQLite and PostgreSQL): created by the admin API,
fed to the store's tills while open, received in parts at the till (lines close as they are
received in full, the order with its last part), closed by hand; and from ``pos-cloud``."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from pos_cloud.cli import main

from .test_stock_ledger import _event, _on_hand, _push_ok


def _order(cloud, store_id, **body):
    return cloud.admin.post(f"/v1/admin/stores/{store_id}/purchase-orders", json=body)


def _open_orders(till) -> dict[str, dict]:
    items = till.client.get("/v1/feed/purchase_orders").json()["items"]
    return {i["id"]: i for i in items}


def _receipt(till, order_id, *lines):
    payload = {"receipt_id": str(uuid.uuid4()), "purchase_order_id": order_id,
               "lines": [{"sku": s, "quantity": q} for s, q in lines]}  # fmt: skip
    return _event(till, "goods.received", payload, 30)


def test_an_order_is_received_in_two_parts(cloud):
    till = cloud.till()
    sid = till.store_id
    for sku in ("P1", "P2"):
        cloud.product(sid, sku)
    r = _order(cloud, sid, supplier="Dairy Ltd", expected_date="2026-12-05", lines=[
        {"sku": "P1", "quantity": "24", "unit_cost_minor": 85},
        {"sku": "P2", "quantity": "6"}])  # fmt: skip
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["number"] == 1 and order["status"] == "open"
    fed = _open_orders(till)[order["id"]]
    assert fed["op"] == "upsert" and fed["data"]["supplier"] == "Dairy Ltd"
    assert fed["data"]["expected_date"] == "2026-12-05"
    assert [ln["ordered"] for ln in fed["data"]["lines"]] == ["24", "6"]

    _push_ok(till, [_receipt(till, order["id"], ("P1", "24"), ("P2", "2"))])  # part one
    part = cloud.admin.get(f"/v1/admin/stores/{sid}/purchase-orders/{order['id']}").json()
    assert part["status"] == "open"
    assert [(ln["received"], ln["outstanding"], ln["closed"]) for ln in part["lines"]] == [
        ("24", "0", True), ("2", "4", False)]  # fmt: skip
    assert _open_orders(till)[order["id"]]["data"]["lines"][1]["received"] == "2"

    _push_ok(till, [_receipt(till, order["id"], ("P2", "4"))])  # the rest
    done = cloud.admin.get(f"/v1/admin/stores/{sid}/purchase-orders/{order['id']}").json()
    assert done["status"] == "received" and all(ln["closed"] for ln in done["lines"])
    assert _open_orders(till)[order["id"]]["op"] == "delete"  # off the tills' list
    assert (_on_hand(cloud, sid, "P1"), _on_hand(cloud, sid, "P2")) == (Decimal(24), Decimal(6))
    listed = cloud.admin.get(f"/v1/admin/stores/{sid}/purchase-orders", params={"status": "open"})
    assert order["id"] not in [o["id"] for o in listed.json()]


def test_closing_gives_up_the_rest_and_bad_orders_are_refused(cloud):
    till = cloud.till()
    sid = till.store_id
    cloud.product(sid, "Q1")
    order = _order(cloud, sid, supplier="Acme", lines=[{"sku": "Q1", "quantity": "5"}]).json()
    second = _order(cloud, sid, supplier="Acme", lines=[{"sku": "Q1", "quantity": "1"}]).json()
    assert second["number"] == order["number"] + 1
    closed = cloud.admin.post(f"/v1/admin/stores/{sid}/purchase-orders/{order['id']}/close")
    assert closed.json()["status"] == "closed"
    assert _open_orders(till)[order["id"]]["op"] == "delete"
    unknown = _order(cloud, sid, supplier="Acme", lines=[{"sku": "NOPE", "quantity": "1"}])
    assert unknown.status_code == 422 and "No product with sku NOPE" in unknown.text
    twice = _order(cloud, sid, supplier="Acme", lines=[{"sku": "Q1", "quantity": "1"}] * 2)
    assert twice.status_code == 422 and "once" in twice.text
    negative = _order(cloud, sid, supplier="Acme", lines=[{"sku": "Q1", "quantity": "-1"}])
    assert negative.status_code == 422
    # A receipt against a closed or unknown order still moves the stock.
    _push_ok(till, [_receipt(till, order["id"], ("Q1", "2")), _receipt(till, "nope", ("Q1", "1"))])
    assert _on_hand(cloud, sid, "Q1") == Decimal(3)


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'cloud.db'}"


def test_pos_cloud_creates_lists_and_closes_orders(db_url, capsys, tmp_path):
    assert main(["create-store", "--name", "Main St", "--database", db_url]) == 0
    store = capsys.readouterr().out.strip().splitlines()[-1]
    csv = tmp_path / "p.csv"
    csv.write_text("sku,name,price,tax_code,barcodes,active\nM1,Milk,1.19,A,,true\n")
    assert main(["import-products", "--store", store, str(csv), "--database", db_url]) == 0
    capsys.readouterr()
    args = ["purchase-order", "create", "--store", store, "--supplier", "Dairy Ltd",
            "--expected", "2026-12-05", "--line", "M1:24@85", "--database", db_url]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0] == "Purchase order 1 for Dairy Ltd: 1 line(s)."
    order_id = out[-1]
    assert main(["purchase-order", "list", "--store", store, "--database", db_url]) == 0
    listed = capsys.readouterr().out
    assert "PO 1\topen\tDairy Ltd\texpected 2026-12-05\t1 line(s) outstanding" in listed
    close = ["purchase-order", "close", "--store", store, "--id", order_id, "--database", db_url]
    assert main(close) == 0
    assert "Purchase order 1 is closed." in capsys.readouterr().out
    bad = ["purchase-order", "create", "--store", store, "--supplier", "X", "--line", "M1",
           "--database", db_url]  # fmt: skip
    assert main(bad) == 2
    assert "write SKU:QUANTITY" in capsys.readouterr().err
