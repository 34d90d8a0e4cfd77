"""Back-office stock pages against the real app on loopback (SQLite and PostgreSQL): on hand,
a product's movements, low stock, transfers, purchase orders made and closed on the web."""

from __future__ import annotations

import uuid

import pytest

from pos_cloud.db import connection
from pos_cloud.web.models import WebAudit
from tests.cloud.backoffice_helpers import page_csrf, set_up_and_sign_in
from tests.cloud.conftest import sale_payload
from tests.cloud.test_restock import _history, _receive
from tests.cloud.test_stock_ledger import _push_ok


@pytest.fixture(scope="module")
def owner(server):
    client, _ = set_up_and_sign_in(server)
    return client


@pytest.fixture(scope="module")
def stocked(cloud):
    """A store with FAST (selling, nearly out), SLOW (plenty) and a till that moved them."""
    till = cloud.till()
    for sku in ("FAST", "SLOW"):
        cloud.product(till.store_id, sku)
    _push_ok(till, [_receive(till, "FAST", "100"), _receive(till, "SLOW", "500")])
    _push_ok(till, _history(till, "FAST"))  # 96 sold over four weeks: 4 left
    return till


def test_stock_page_lists_on_hand_reorder_point_and_on_order_and_searches(owner, stocked):
    base = f"/app/stores/{stocked.store_id}"
    page = owner.get(f"{base}/stock")
    assert page.status_code == 200
    text = page.text
    assert "FAST" in text and "SLOW" in text and "Item FAST" in text
    fast_row = text[text.index(">FAST<") : text.index("</tr>", text.index(">FAST<"))]
    assert '<td class="num">4</td>' in fast_row and "low" in fast_row
    slow_row = text[text.index(">SLOW<") : text.index("</tr>", text.index(">SLOW<"))]
    assert '<td class="num">500</td>' in slow_row and "low" not in slow_row
    found = owner.get(f"{base}/stock", params={"q": "slo"}).text
    assert ">SLOW<" in found and ">FAST<" not in found
    assert 'href="' + base + '/stock"' in owner.get(f"{base}/dashboard").text  # in the nav


def test_movements_show_kind_quantity_till_and_person(owner, stocked):
    till = stocked
    sale = sale_payload(sku="SLOW", quantity="3")
    sale["cashier"] = "Zoe"
    _push_ok(till, [till.event("sale.completed", sale)])
    page = owner.get(f"/app/stores/{till.store_id}/stock/SLOW/movements")
    assert page.status_code == 200
    rows = page.text.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 2
    receipt = next(r for r in rows if "<td>receipt</td>" in r)
    sold = next(r for r in rows if "<td>sale</td>" in r)
    assert ">500<" in receipt and ">-3<" in sold and "Zoe" in sold
    with connection():
        from pos_cloud.models import Terminal

        name = Terminal.get_by_id(till.terminal_id).name
    assert f"<td>{name}</td>" in sold


def test_a_purchase_order_from_the_low_stock_list_is_viewed_and_closed_audited(owner, stocked):
    base = f"/app/stores/{stocked.store_id}"
    low = owner.get(f"{base}/low-stock").text
    assert ">FAST<" in low and ">SLOW<" not in low
    assert 'name="line_sku" value="FAST"' in low
    suggested = low.split('name="line_quantity" value="')[1].split('"')[0]
    assert int(suggested) > 0
    r = owner.post(
        f"{base}/purchase-orders",
        data={
            "csrf_token": page_csrf(owner),
            "supplier": "Acme Wholesale",
            "line_sku": ["FAST"],
            "line_quantity": [suggested],
        },
    )
    assert r.status_code == 303, r.text
    view = owner.get(r.headers["location"])
    assert "Acme Wholesale" in view.text and f">{suggested}<" in view.text
    assert 'data-testid="order-status">open<' in view.text
    order_id = r.headers["location"].rsplit("/", 1)[1]
    listing = owner.get(f"{base}/purchase-orders").text
    assert "Acme Wholesale" in listing and f"/purchase-orders/{order_id}" in listing
    stock = owner.get(f"{base}/stock").text
    fast_row = stock[stock.index(">FAST<") : stock.index("</tr>", stock.index(">FAST<"))]
    assert f'<td class="num">{suggested}</td>' in fast_row  # on order
    assert ">FAST<" not in owner.get(f"{base}/low-stock").text  # covered by the order

    closed = owner.post(
        f"{base}/purchase-orders/{order_id}/close", data={"csrf_token": page_csrf(owner)}
    )
    assert closed.status_code == 303
    assert 'data-testid="order-status">closed<' in owner.get(closed.headers["location"]).text
    with connection():
        actions = [a.action for a in WebAudit.select().where(WebAudit.object_id == order_id)]
    assert sorted(actions) == ["purchase_order.close", "purchase_order.create"]


def test_a_purchase_order_typed_by_hand_and_bad_lines_say_what_is_wrong(owner, stocked):
    base = f"/app/stores/{stocked.store_id}"
    token = page_csrf(owner)
    bad = owner.post(
        f"{base}/purchase-orders",
        data={"csrf_token": token, "supplier": "Acme", "lines": "SLOW 5\nNOPE 2"},
    )
    assert bad.status_code == 422 and "No product with sku NOPE" in bad.text
    assert "SLOW 5" in bad.text  # the form keeps what was typed
    worse = owner.post(
        f"{base}/purchase-orders",
        data={"csrf_token": token, "supplier": "Acme", "lines": "SLOW five"},
    )
    assert worse.status_code == 422 and "is not a quantity" in worse.text
    ok = owner.post(
        f"{base}/purchase-orders",
        data={
            "csrf_token": token,
            "supplier": "Acme",
            "expected_date": "2030-01-31",
            "lines": "SLOW 5 0.85\nFAST 2",
        },
    )
    assert ok.status_code == 303, ok.text
    view = owner.get(ok.headers["location"]).text
    assert "0.85 EUR" in view and "2030-01-31" in view


def test_transfers_in_transit_and_received_are_listed_at_both_stores(owner, cloud):
    sender, receiver = cloud.till(), cloud.till()
    for till in (sender, receiver):
        cloud.product(till.store_id, "MOVE")
    transfer_id = str(uuid.uuid4())
    sent = {
        "transfer_id": transfer_id,
        "to_store_id": receiver.store_id,
        "lines": [{"sku": "MOVE", "quantity": "6"}],
    }
    _push_ok(sender, [sender.event("stock.transfer_sent", sent)])
    page = owner.get(f"/app/stores/{receiver.store_id}/transfers").text
    in_transit = page.split('data-testid="in-transit"')[1].split("</table>")[0]
    assert "coming from" in in_transit and "MOVE × 6" in in_transit
    got = {"transfer_id": transfer_id, "lines": [{"sku": "MOVE", "quantity": "5"}]}
    _push_ok(receiver, [receiver.event("stock.transfer_received", got)])
    page = owner.get(f"/app/stores/{sender.store_id}/transfers").text
    assert 'data-testid="in-transit"' not in page
    received = page.split('data-testid="received"')[1].split("</table>")[0]
    assert "sent to" in received and "received: MOVE × 5" in received
