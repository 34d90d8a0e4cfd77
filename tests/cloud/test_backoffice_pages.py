"""Back-office pages against the real app on loopback (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from pos_cloud.db import connection
from pos_cloud.models import Store
from pos_cloud.web.models import WebAudit
from tests.cloud.backoffice_helpers import (
    page_csrf,
    refund_payload,
    set_up_and_sign_in,
    shift_closed_payload,
    wait_for,
)
from tests.cloud.conftest import sale_payload


@pytest.fixture(scope="module")
def owner(server):
    client, _ = set_up_and_sign_in(server)
    return client


def _now_sale(total: int = 300, **extra) -> dict:
    payload = sale_payload()
    payload["completed_at"] = dt.datetime.now(dt.UTC).isoformat()
    payload["total_minor"] = total
    payload["payments"][0]["amount_minor"] = total + 200
    payload.update(extra)
    return payload


def test_dashboard_shows_a_synced_sale_within_two_seconds(owner, cloud):
    till = cloud.till()
    before = owner.get(f"/app/stores/{till.store_id}/live")
    assert "No sales yet today" in before.text
    r = till.push([till.event("sale.completed", _now_sale(1234))])
    assert r.status_code == 200
    synced = time.monotonic()
    # The page polls this fragment every second; the first poll after the sale must show it.
    live = owner.get(f"/app/stores/{till.store_id}/live")
    assert time.monotonic() - synced < 2.0
    assert "12.34 EUR" in live.text and "Lane 1" in live.text
    page = owner.get(f"/app/stores/{till.store_id}/dashboard")
    assert 'hx-trigger="every 1s"' in page.text and "<svg" in page.text


def test_dashboard_compares_periods_and_lists_top_products_tenders_refunds_voids(owner, cloud):
    till = cloud.till()
    sale = _now_sale(300)
    events = [till.event("sale.completed", sale)]
    yesterday = _now_sale(100)
    yesterday["completed_at"] = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat()
    events.append(till.event("sale.completed", yesterday))
    refund = refund_payload(sale["sale_id"])
    refund["completed_at"] = dt.datetime.now(dt.UTC).isoformat()
    events.append(till.event("refund.completed", refund))
    shift = shift_closed_payload()
    shift["closed_at"] = dt.datetime.now(dt.UTC).isoformat()
    events.append(till.event("shift.closed", shift))
    assert till.push(events).status_code == 200

    def projected():
        page = owner.get(f"/app/stores/{till.store_id}/dashboard?period=day")
        return page if "1 refund(s)" in page.text and "2 void(s)" in page.text else None

    page = wait_for(projected)
    text = page.text
    assert "3.00 EUR" in text  # today
    assert "before: 1.00 EUR" in text and "+200.0 %" in text  # vs yesterday
    assert "Pen" in text and "A1" in text  # top product
    assert "cash" in text  # tenders
    assert "1.50 EUR" in text  # refund total
    assert "4.00 EUR" in text  # voids from the Z report


def test_sales_search_and_receipt(owner, cloud):
    till = cloud.till()
    a, b = _now_sale(300), _now_sale(999, receipt_number=42, cashier="bob")
    assert (
        till.push([till.event("sale.completed", a), till.event("sale.completed", b)]).status_code
        == 200
    )
    base = f"/app/stores/{till.store_id}/sales"
    assert owner.get(base, params={"receipt": "42"}).text.count("#email") == 1  # one row
    found = owner.get(base, params={"amount_min": "9.99", "amount_max": "10"})
    assert b["sale_id"] in found.text and a["sale_id"] not in found.text
    assert b["sale_id"] in owner.get(base, params={"cashier": "BOB"}).text
    bad = owner.get(base, params={"amount_min": "ten"})
    assert bad.status_code == 422 and "is not an amount" in bad.text
    receipt = owner.get(f"{base}/{b['sale_id']}")
    assert receipt.status_code == 200
    assert "receipt 42" in receipt.text and "Pen" in receipt.text and "9.99 EUR" in receipt.text


def test_shifts_page_shows_the_z_report_and_its_variance(owner, cloud):
    till = cloud.till()
    z = shift_closed_payload(variance=-50)
    assert till.push([till.event("shift.closed", z)]).status_code == 200
    page = wait_for(
        lambda: (
            (p := owner.get(f"/app/stores/{till.store_id}/shifts?day=2024-05-01")).text.count("Z 7")
            and p
        )
    )
    assert "-0.50 EUR" in page.text
    detail = owner.get(f"/app/stores/{till.store_id}/shifts/{z['shift_id']}")
    assert detail.status_code == 200 and "Variance" in detail.text and "111.50 EUR" in detail.text


def test_price_change_reaches_the_till_feed_and_is_audited(owner, cloud):
    till = cloud.till()
    cloud.product(till.store_id, "P1", 199)
    first = till.client.get("/v1/feed/products").json()
    cursor = first["cursor"]
    r = owner.post(
        f"/app/stores/{till.store_id}/products/price",
        data={"sku": "P1", "price": "2,49", "csrf_token": page_csrf(owner)},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and "Saved" in r.text and 'value="2.49"' in r.text
    feed = till.client.get("/v1/feed/products", params={"after": cursor}).json()
    assert [i["data"]["price_minor"] for i in feed["items"]] == [249]
    with connection():
        entry = (
            WebAudit.select()
            .where(WebAudit.action == "product.price")
            .order_by(WebAudit.id.desc())
            .first()
        )
    assert entry.before == '{"price_minor": 199}' and entry.after == '{"price_minor": 249}'
    refused = owner.post(
        f"/app/stores/{till.store_id}/products/price",
        data={"sku": "P1", "price": "2.499", "csrf_token": page_csrf(owner)},
        headers={"HX-Request": "true"},
    )
    assert "more decimals than EUR allows" in refused.text


def test_csv_import_lists_every_bad_row_and_writes_nothing(owner, cloud):
    store = cloud.store()
    bad = (
        b"sku,name,price,tax_code,barcodes\n"
        b"S1,Good,1.00,A,\n"
        b"S2,Bad price,1.5.0,A,\n"
        b"S3,Bad gtin,1.00,A,4006381333932\n"
        b"S1,Again,1.00,A,\n"
    )
    r = owner.post(
        f"/app/stores/{store}/products/import",
        data={"csrf_token": page_csrf(owner)},
        files={"file": ("p.csv", bad, "text/csv")},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 422
    assert "3 bad row(s)" in r.text
    for line in ('<td class="num">3</td>', '<td class="num">4</td>', '<td class="num">5</td>'):
        assert line in r.text
    assert "No product matches" in owner.get(f"/app/stores/{store}/products").text
    good = (
        b"sku,name,price,tax_code,barcodes\nS1,Good,1.00,A,4006381333931\nS2,<b>Two</b>,2.50,A,\n"
    )
    r = owner.post(
        f"/app/stores/{store}/products/import",
        data={"csrf_token": page_csrf(owner)},
        files={"file": ("p.csv", good, "text/csv")},
    )
    assert r.status_code == 200 and "Imported 2 product(s)" in r.text
    listing = owner.get(f"/app/stores/{store}/products", params={"q": "04006381333931"})
    assert "S1" in listing.text and "S2" not in listing.text
    escaped = owner.get(f"/app/stores/{store}/products").text
    assert "&lt;b&gt;Two&lt;/b&gt;" in escaped and "<b>Two</b>" not in escaped


def test_terminals_enrolment_code_and_revoke(owner, cloud, server):
    till = cloud.till()
    page = owner.post(
        f"/app/stores/{till.store_id}/enrollment-codes", data={"csrf_token": page_csrf(owner)}
    )
    assert page.status_code == 200
    import re

    code = re.search(r'data-testid="enrollment-code">([A-Z0-9-]+)<', page.text).group(1)
    enrolled = cloud.client().post("/v1/enroll", json={"code": code, "terminal_name": "Lane 9"})
    assert enrolled.status_code == 200
    listing = owner.get(f"/app/stores/{till.store_id}/terminals")
    assert "Lane 9" in listing.text
    r = owner.post(
        f"/app/stores/{till.store_id}/terminals/revoke",
        data={"terminal_id": till.terminal_id, "csrf_token": page_csrf(owner)},
    )
    assert r.status_code == 303
    assert till.client.get("/v1/terminals/me").status_code == 401


def test_external_text_is_escaped(owner, cloud):
    till = cloud.till()
    sale = _now_sale(300, cashier="<script>alert(1)</script>")
    sale["lines"][0]["name"] = "<img src=x onerror=alert(1)>"
    assert till.push([till.event("sale.completed", sale)]).status_code == 200
    receipt = owner.get(f"/app/stores/{till.store_id}/sales/{sale['sale_id']}").text
    assert "<script>alert" not in receipt and "&lt;script&gt;" in receipt
    assert "<img src=x" not in receipt


def test_overview_lists_all_stores_for_the_owner(owner, cloud):
    cloud.store()
    page = owner.get("/app/")
    with connection():
        names = [s.name for s in Store.select()]
    assert page.status_code == 200 and 'hx-get="/app/live"' in page.text
    assert len(names) >= 2


def test_tax_rate_change_reaches_the_till_feed_and_is_audited(owner, cloud):
    till = cloud.till()
    base = f"/app/stores/{till.store_id}"
    r = owner.post(
        f"{base}/tax-rates",
        data={"code": "B", "name": "Reduced", "percent": "7", "csrf_token": page_csrf(owner)},
    )
    assert r.status_code == 303
    r = owner.post(
        f"{base}/tax-rates",
        data={"code": "B", "name": "Reduced", "percent": "5,5", "csrf_token": page_csrf(owner)},
    )
    items = till.client.get("/v1/feed/tax_rates").json()["items"]
    assert [(i["id"], i["data"]["rate_bp"]) for i in items] == [("B", 550)]
    assert "5.50 %" in owner.get(f"{base}/products").text
    bad = owner.post(
        f"{base}/tax-rates",
        data={"code": "C", "name": "Odd", "percent": "1.234", "csrf_token": page_csrf(owner)},
    )
    assert bad.status_code == 422 and "at most two decimals" in bad.text
    with connection():
        entry = (
            WebAudit.select()
            .where(WebAudit.action == "tax_rate.set")
            .order_by(WebAudit.id.desc())
            .first()
        )
    assert entry.before == '{"name": "Reduced", "rate_bp": 700}'
    assert entry.after == '{"name": "Reduced", "rate_bp": 550}'


def test_the_owner_makes_and_revokes_an_api_token_for_one_store(owner, cloud, server):
    import re

    till = cloud.till()
    other = cloud.store()
    page = owner.post(
        f"/app/stores/{till.store_id}/admin-tokens",
        data={"label": "stock script", "read_only": "on", "csrf_token": page_csrf(owner)},
    )
    assert page.status_code == 200 and "stock script" in page.text
    token = re.search(r'data-testid="admin-token">([^<]+)<', page.text).group(1)
    api = cloud.client()
    mine = api.get(f"/v1/admin/stores/{till.store_id}/quarantine", headers={
        "Authorization": f"Bearer {token}"})  # fmt: skip
    assert mine.status_code == 200
    theirs = api.get(f"/v1/admin/stores/{other}/quarantine", headers={
        "Authorization": f"Bearer {token}"})  # fmt: skip
    assert theirs.status_code == 403  # limited to its store
    token_id = re.search(r'name="token_id" value="(\d+)"', page.text).group(1)
    r = owner.post(
        f"/app/stores/{till.store_id}/admin-tokens/revoke",
        data={"token_id": token_id, "csrf_token": page_csrf(owner)},
    )
    assert r.status_code == 303
    again = api.get(f"/v1/admin/stores/{till.store_id}/quarantine", headers={
        "Authorization": f"Bearer {token}"})  # fmt: skip
    assert again.status_code == 401
    with connection():
        actions = [a.action for a in WebAudit.select().order_by(WebAudit.id)]
    assert "admin_token.create" in actions and "admin_token.revoke" in actions


def test_a_store_manager_cannot_make_api_tokens(cloud, server):
    from tests.cloud.backoffice_helpers import set_up_and_sign_in as sign_up

    till = cloud.till()
    manager, _ = sign_up(server, "manager", till.store_id)
    r = manager.post(
        f"/app/stores/{till.store_id}/admin-tokens",
        data={"label": "x", "csrf_token": page_csrf(manager)},
    )
    assert r.status_code in (403, 404)
    assert (
        "API tokens for this store"
        not in manager.get(f"/app/stores/{till.store_id}/terminals").text
    )
