"""Suppliers on the web and a purchase order sent to one: the PDF (read back with pypdf) and
the CSV; the supplier's lead time drives the reorder point (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader

from pos_cloud.db import connection
from pos_cloud.web.models import WebAudit
from tests.cloud.backoffice_helpers import page_csrf, set_up_and_sign_in
from tests.cloud.test_restock import _history, _receive
from tests.cloud.test_stock_ledger import _push_ok


@pytest.fixture(scope="module")
def owner(server):
    client, _ = set_up_and_sign_in(server)
    return client


def _add_supplier(owner, store_id, name, email, days, supplier_id=""):
    return owner.post(
        f"/app/stores/{store_id}/suppliers",
        data={
            "csrf_token": page_csrf(owner),
            "name": name,
            "email": email,
            "lead_time_days": days,
            "supplier_id": supplier_id,
        },
    )


def test_suppliers_are_added_checked_changed_and_audited(owner, cloud):
    store = cloud.store()
    assert _add_supplier(owner, store, "Acme", "orders@acme.example", "5").status_code == 303
    page = owner.get(f"/app/stores/{store}/suppliers").text
    assert 'value="Acme"' in page and 'value="orders@acme.example"' in page and 'value="5"' in page
    bad = _add_supplier(owner, store, "Other", "orders@acme.example", "0")
    assert bad.status_code == 422 and "whole number of days from 1 to 120" in bad.text
    twice = _add_supplier(owner, store, "Acme", "", "2")
    assert twice.status_code == 422 and "has a supplier named &#39;Acme&#39; already" in twice.text
    mail = _add_supplier(owner, store, "Other", "not an address", "2")
    assert mail.status_code == 422 and "is no e-mail address" in mail.text
    supplier_id = page.split('name="supplier_id" value="')[1].split('"')[0]
    assert _add_supplier(owner, store, "Acme", "", "9", supplier_id).status_code == 303
    assert 'value="9"' in owner.get(f"/app/stores/{store}/suppliers").text
    with connection():
        audits = WebAudit.select().where(WebAudit.object_id == supplier_id).order_by(WebAudit.id)
        assert [a.action for a in audits] == ["supplier.create", "supplier.update"]
        assert (
            '"lead_time_days": 5' in audits[1].before and '"lead_time_days": 9' in audits[1].after
        )


def test_the_order_downloads_as_a_pdf_and_a_csv_for_the_supplier(owner, cloud):
    store = cloud.store()
    cloud.product(store, "PEN")
    cloud.admin.put(
        f"/v1/admin/stores/{store}/products/=CMD",
        json={"name": '=HYPERLINK("x")', "price_minor": 99, "tax_code": "A", "gtins": []},
    ).raise_for_status()
    _add_supplier(owner, store, "Paper & Co", "sales@paper.example", "4")
    r = owner.post(
        f"/app/stores/{store}/purchase-orders",
        data={
            "csrf_token": page_csrf(owner),
            "supplier": "Paper & Co",
            "expected_date": "2031-03-02",
            "lines": "PEN 12 0.85\n=CMD 2.5 1.01",
        },
    )
    assert r.status_code == 303, r.text
    base = r.headers["location"]
    view = owner.get(base).text
    assert f'href="{base}/po.pdf"' in view and f'href="{base}/po.csv"' in view
    assert "mailto:sales@paper.example" in view and "lead time 4 days" in view

    pdf = owner.get(f"{base}/po.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == 'attachment; filename="PO1_Paper---Co.pdf"'
    reader = PdfReader(io.BytesIO(pdf.content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert reader.metadata.title == "Purchase order 1"
    assert "To: Paper & Co" in text and "sales@paper.example" in text
    assert "Delivery expected on 2031-03-02" in text and "Currency EUR" in text
    assert "PEN" in text and "Item PEN" in text and "0.85 EUR" in text and "10.20 EUR" in text
    # 2.5 x 1.01 = 2.525: half up to 2.53; total 10.20 + 2.53
    assert "2.53 EUR" in text and "12.73 EUR" in text

    got = owner.get(f"{base}/po.csv")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(got.text)))
    assert rows[0] == ["po_number", "supplier", "sku", "name", "quantity", "unit_cost",
                       "line_total", "currency"]  # fmt: skip
    assert rows[1] == ["1", "Paper & Co", "PEN", "Item PEN", "12", "0.85", "10.20", "EUR"]
    # A cell a spreadsheet would run as a formula is written as text.
    assert rows[2][2:5] == ["'=CMD", '\'=HYPERLINK("x")', "2.5"] and rows[2][6] == "2.53"


def test_the_suppliers_lead_time_sets_the_reorder_point(owner, cloud):
    till = cloud.till()
    sid = till.store_id
    cloud.product(sid, "FAST")
    _push_ok(till, [_receive(till, "FAST", "100")])
    _push_ok(till, _history(till, "FAST"))

    def fast():
        rows = cloud.admin.get(f"/v1/admin/stores/{sid}/restock").json()
        return next(r for r in rows if r["sku"] == "FAST")

    before = fast()
    assert before["lead_time_days"] == 3  # the default: never ordered from a supplier record
    _add_supplier(owner, sid, "Slow Boat", "", "14")
    order = cloud.admin.post(f"/v1/admin/stores/{sid}/purchase-orders", json={
        "supplier": "Slow Boat", "lines": [{"sku": "FAST", "quantity": "1"}]})  # fmt: skip
    assert order.status_code == 201 and order.json()["supplier_id"]
    cloud.admin.post(f"/v1/admin/stores/{sid}/purchase-orders/{order.json()['id']}/close")
    after = fast()
    assert after["lead_time_days"] == 14
    # About 3.4 a day sold: two weeks of lead time need far more stock than three days.
    assert after["reorder_point"] >= before["reorder_point"] + 25
    page = owner.get(f"/app/stores/{sid}/stock").text
    assert "14 d" in page
