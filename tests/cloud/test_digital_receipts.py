"""The public digital receipt: /r/<token> shows the sale a till pushed, with a PDF; nothing else."""

from __future__ import annotations

import io
import secrets
import uuid

import httpx
import pytest
from pypdf import PdfReader

from tests.cloud.conftest import sale_payload


def _pushed(cloud, **extra) -> tuple[str, dict]:
    till = cloud.till()
    token = secrets.token_urlsafe(16)
    sale = {**sale_payload(), "terminal_id": "T01", "receipt_token": token, **extra}
    r = till.push([till.event("sale.completed", sale)])
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "stored", r.text
    return token, sale


@pytest.fixture
def web(server):
    with httpx.Client(base_url=server, timeout=30) as client:  # no session, no token
        yield client


def test_the_link_shows_the_receipt_without_signing_in(cloud, web):
    token, _ = _pushed(cloud)
    page = web.get(f"/r/{token}")
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "private, no-store"
    html = page.text
    assert "Receipt 1" in html and "Shop" in html and "Pen" in html
    assert "2 x 1.50" in html and "EUR 3.00" in html and "Cashier" in html and "ann" in html
    assert "Change" in html and "2.00" in html and "5.00" in html  # tendered, change
    assert f'href="/r/{token}/receipt.pdf"' in html and "Download PDF" in html
    assert 'name="viewport"' in html  # phone-friendly


def test_the_pdf_is_the_same_receipt(cloud, web):
    token, _ = _pushed(cloud)
    r = web.get(f"/r/{token}/receipt.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == 'attachment; filename="receipt-1.pdf"'
    reader = PdfReader(io.BytesIO(r.content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert reader.metadata.title == "Receipt 1"
    assert "Pen" in text and "2 x 1.50" in text and "EUR 3.00" in text and "Cash" in text


def test_wrong_forged_or_malformed_tokens_are_one_plain_404(cloud, web):
    token, sale = _pushed(cloud)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    answers = set()
    for bad in (forged, secrets.token_urlsafe(16), sale["sale_id"], "1", "x" * 300, "%00"):
        for path in (f"/r/{bad}", f"/r/{bad}/receipt.pdf"):
            r = web.get(path)
            assert r.status_code == 404, path
            assert sale["sale_id"] not in r.text and "Pen" not in r.text
            answers.add(r.text)
    assert len(answers) == 1  # the same answer whatever the reason


def test_a_sale_without_a_token_has_no_link(cloud, web):
    till = cloud.till()
    sale = sale_payload()
    assert till.push([till.event("sale.completed", sale)]).status_code == 200
    assert web.get(f"/r/{sale['sale_id']}").status_code == 404


def test_a_short_or_strange_token_is_not_linked(cloud, web):
    for bad in ("short", "has space in it and more text", "a/b" * 10):
        till = cloud.till()
        sale = {**sale_payload(), "receipt_token": bad}
        r = till.push([till.event("sale.completed", sale)])
        assert r.json()["results"][0]["status"] == "stored"  # the sale is kept all the same
        assert web.get(f"/r/{bad}").status_code == 404


def _business_sale(cloud, *, seller: dict | None = None) -> tuple[str, str, object]:
    till = cloud.till()
    customer_id = str(uuid.uuid4())
    created = {"customer_id": customer_id, "name": "Acme GmbH", "email": "ap@acme.example"}
    token = secrets.token_urlsafe(16)
    sale = {**sale_payload(), "terminal_id": "T01", "receipt_token": token}
    sale["customer_id"] = customer_id
    if seller is not None:
        sale["seller"] = seller
    events = [till.event("customer.created", created), till.event("sale.completed", sale)]
    assert till.push(events).status_code == 200
    return token, customer_id, till


def test_a_business_customer_gets_an_invoice_with_both_vat_ids(cloud, web):
    token, customer_id, till = _business_sale(
        cloud,
        seller={"name": "Corner Shop", "address": "1 High St\nBerlin", "tax_id": "DE123456789"},
    )
    before = web.get(f"/r/{token}").text
    assert "Receipt 1" in before and "Invoice" not in before  # no address or VAT id yet
    base = f"/v1/admin/stores/{till.store_id}/customers/{customer_id}/invoice-details"
    details = {"address": "Acme GmbH\r\n 5 Dock Rd \nHamburg\n", "vat_id": " DE999888777 "}
    r = cloud.admin.put(base, json=details)
    assert r.status_code == 200, r.text
    assert r.json()["address"] == "Acme GmbH\n5 Dock Rd\nHamburg" and r.json()["vat_id"] == (
        "DE999888777"
    )
    html = web.get(f"/r/{token}").text
    assert "Invoice RT01-00000001" in html and "Bill to" in html
    assert "Acme GmbH" in html and "5 Dock Rd" in html and "DE999888777" in html
    assert "Corner Shop" in html and "1 High St" in html and "VAT no. DE123456789" in html
    pdf = web.get(f"/r/{token}/receipt.pdf")
    assert pdf.headers["content-disposition"] == 'attachment; filename="invoice-1.pdf"'
    reader = PdfReader(io.BytesIO(pdf.content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert reader.metadata.title == "Invoice RT01-00000001"
    for part in ("Bill to", "Acme GmbH", "Hamburg", "DE999888777", "DE123456789", "Corner Shop"):
        assert part in text, part


def test_a_vat_id_without_an_address_is_still_a_receipt(cloud, web):
    token, customer_id, till = _business_sale(cloud)
    base = f"/v1/admin/stores/{till.store_id}/customers/{customer_id}/invoice-details"
    assert cloud.admin.put(base, json={"vat_id": "DE999888777"}).status_code == 200
    html = web.get(f"/r/{token}").text
    assert "Receipt 1" in html and "Invoice" not in html and "DE999888777" not in html


def test_the_seller_set_in_the_cloud_serves_sales_that_carry_none(cloud, web):
    token, _, till = _business_sale(cloud)
    r = cloud.admin.put(
        f"/v1/admin/stores/{till.store_id}/seller",
        json={"address": "9 Market Sq", "vat_id": "FR11223344556"},
    )
    assert r.status_code == 200, r.text
    html = web.get(f"/r/{token}").text
    assert "9 Market Sq" in html and "VAT no. FR11223344556" in html
    other = cloud.admin.put(
        f"/v1/admin/stores/{till.store_id}/customers/nobody/invoice-details", json={}
    )
    assert other.status_code == 404


def test_a_batch_of_sales_links_each_receipt(cloud, web):
    till = cloud.till()
    sales = [
        {**sale_payload(), "receipt_number": n, "receipt_token": secrets.token_urlsafe(16)}
        for n in range(1, 6)
    ]
    events = [till.event("sale.completed", s) for s in sales]
    assert till.push(events).status_code == 200
    assert till.push(events).status_code == 200  # a retry: duplicates, links unchanged
    for s in sales:
        page = web.get(f"/r/{s['receipt_token']}")
        assert page.status_code == 200 and f"Receipt {s['receipt_number']}" in page.text


def test_the_admin_api_checks_invoice_details_like_the_back_office(cloud, web):
    token, customer_id, till = _business_sale(cloud)
    base = f"/v1/admin/stores/{till.store_id}/customers/{customer_id}/invoice-details"
    bad = cloud.admin.put(base, json={"address": "5 Dock Rd", "vat_id": "DE-999.888"})
    assert bad.status_code == 422 and "letters, digits and spaces" in bad.text
    assert "Invoice" not in web.get(f"/r/{token}").text
    ok = cloud.admin.put(base, json={"address": "5 Dock Rd", "vat_id": " de 999 888 777 "})
    assert ok.status_code == 200 and ok.json()["vat_id"] == "DE999888777"
    assert "DE999888777" in web.get(f"/r/{token}").text
