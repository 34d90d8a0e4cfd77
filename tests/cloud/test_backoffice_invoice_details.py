"""A business customer's invoice details (billing address and VAT id) on the back office's
customer page, against the real app (SQLite and PostgreSQL): validated, audited, in the JSON
export, making the customer's digital receipts invoices, and gone when the customer is erased."""

from __future__ import annotations

import io
import json
import secrets

import pytest
from pypdf import PdfReader

from pos_cloud.db import connection
from pos_cloud.models import Customer
from pos_cloud.web.models import WebAudit
from tests.cloud.backoffice_helpers import page_csrf, set_up_and_sign_in
from tests.cloud.conftest import sale_payload
from tests.cloud.test_customers_cloud import _customer

ACME = "Acme GmbH\r\n  Accounts Payable \n\n5 Dock Rd\nHamburg  "


@pytest.fixture(scope="module")
def owner(server):
    client, _ = set_up_and_sign_in(server)
    return client


def _audit(customer_id: str) -> list[WebAudit]:
    with connection():
        return list(
            WebAudit.select()
            .where(
                (WebAudit.action == "customer.invoice_details")
                & (WebAudit.object_id == customer_id)
            )
            .order_by(WebAudit.id)
        )


def _receipt_of_a_new_sale(till, customer_id: str) -> str:
    """Push a sale for the customer with a receipt link; the link's token."""
    token = secrets.token_urlsafe(16)
    sale = sale_payload() | {"customer_id": customer_id, "receipt_token": token}
    sale |= {"terminal_id": "T01", "receipt_number": till.next_seq}
    r = till.push([till.event("sale.completed", sale)])
    assert r.json()["results"][0]["status"] == "stored", r.text
    return token


def _post(client, store: str, customer: str, **fields) -> object:
    return client.post(
        f"/app/stores/{store}/customers/{customer}/invoice",
        data={"csrf_token": page_csrf(client), **fields},
    )


def test_invoice_details_are_saved_audited_and_the_next_receipt_is_an_invoice(owner, cloud):
    till = cloud.till()
    store = till.store_id
    customer = _customer(till, "Acme GmbH", "ap@acme.example")
    page = owner.get(f"/app/stores/{store}/customers/{customer}").text
    assert "Invoice details" in page and 'name="vat_id"' in page and "<textarea" in page
    assert "are invoices" not in page

    r = _post(owner, store, customer, address=ACME, vat_id=" de 999 888 777 ")
    assert r.status_code == 200 and "Invoice details saved" in r.text
    assert "Receipts for this customer are invoices" in r.text
    with connection():
        saved = Customer.get_by_id(customer)
    assert saved.address == "Acme GmbH\nAccounts Payable\n5 Dock Rd\nHamburg"
    assert saved.vat_id == "DE999888777"  # upper case, no spaces
    (row,) = _audit(customer)
    assert json.loads(row.before) == {"address": "", "vat_id": ""} and row.store_id == store
    assert json.loads(row.after) == {"address": saved.address, "vat_id": "DE999888777"}
    same = _post(owner, store, customer, address=saved.address, vat_id="DE999888777")
    assert "Nothing changed" in same.text and len(_audit(customer)) == 1

    token = _receipt_of_a_new_sale(till, customer)
    html = owner.get(f"/r/{token}").text
    assert "Invoice RT01-" in html and "Bill to" in html
    for part in ("Acme GmbH", "Accounts Payable", "5 Dock Rd", "Hamburg", "DE999888777"):
        assert part in html, part
    pdf = PdfReader(io.BytesIO(owner.get(f"/r/{token}/receipt.pdf").content))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert pdf.metadata.title.startswith("Invoice") and "DE999888777" in text and "Hamburg" in text

    export = owner.get(f"/app/stores/{store}/customers/{customer}/export.json").json()
    assert export["customer"]["address"] == saved.address
    assert export["customer"]["vat_id"] == "DE999888777"
    (change,) = [c for c in export["contact_history"] if c["action"] == "customer.invoice_details"]
    assert change["after"]["vat_id"] == "DE999888777"


def test_bad_invoice_details_get_a_clear_message_and_change_nothing(owner, cloud):
    till = cloud.till()
    store = till.store_id
    customer = _customer(till, "Bolt Ltd")
    for address, vat_id, message in (
        ("1 Road", "DE-123.456", "letters, digits and spaces"),
        ("1 Road", "DE 12 ü", "letters, digits and spaces"),
        ("1 Road", "D", "4 to 20"),
        ("1 Road", "X" * 21, "4 to 20"),
        ("x" * 101, "DE123456", "at most 100 characters a line"),
        ("\n".join(["line"] * 7), "DE123456", "at most 6 lines"),
    ):
        r = _post(owner, store, customer, address=address, vat_id=vat_id)
        assert r.status_code == 422 and message in r.text, (address, vat_id, r.text)
        assert f">{address}</textarea>" in r.text  # what was typed stays, to be corrected
    with connection():
        untouched = Customer.get_by_id(customer)
    assert (untouched.address, untouched.vat_id) == ("", "") and not _audit(customer)


def test_only_both_make_an_invoice_and_details_can_be_cleared(owner, cloud):
    till = cloud.till()
    store = till.store_id
    customer = _customer(till, "Cleo Works")
    only_vat = _post(owner, store, customer, address="", vat_id="FR11223344556")
    assert only_vat.status_code == 200 and "are invoices" not in only_vat.text
    assert "needs both a billing address and a VAT id" in only_vat.text
    token = _receipt_of_a_new_sale(till, customer)
    assert "Invoice" not in owner.get(f"/r/{token}").text
    _post(owner, store, customer, address="7 Rue Neuve\nLyon", vat_id="FR11223344556")
    cleared = _post(owner, store, customer, address=" \n ", vat_id="  ")
    assert cleared.status_code == 200 and "Invoice details saved" in cleared.text
    with connection():
        assert (Customer.get_by_id(customer).address, Customer.get_by_id(customer).vat_id) == (
            "",
            "",
        )
    assert "Invoice" not in owner.get(f"/r/{token}").text
    assert len(_audit(customer)) == 3


def test_a_manager_sets_them_in_their_store(server, cloud):
    till = cloud.till()
    store = till.store_id
    customer = _customer(till, "Dock Supplies")
    manager, email = set_up_and_sign_in(server, "manager", store)
    r = _post(manager, store, customer, address="9 Quay\nKiel", vat_id="DE111222333")
    assert r.status_code == 200 and "are invoices" in r.text
    (row,) = _audit(customer)
    assert row.user_email == email and json.loads(row.after)["vat_id"] == "DE111222333"


def test_erase_takes_the_invoice_details_and_their_audit_and_later_saves_are_refused(owner, cloud):
    till = cloud.till()
    store = till.store_id
    customer = _customer(till, "Eden Trading")
    _post(owner, store, customer, address="Eden Trading\n3 Mill Lane\nLeeds", vat_id="GB123456789")
    _post(owner, store, customer, address="Eden Trading\n4 Mill Lane\nLeeds", vat_id="GB123456789")
    token = _receipt_of_a_new_sale(till, customer)
    assert "Mill Lane" in owner.get(f"/r/{token}").text
    url = f"/app/stores/{store}/customers/{customer}/erase"
    done = owner.post(url, data={"confirm": "erase", "csrf_token": page_csrf(owner)})
    assert done.status_code == 200 and "Erased." in done.text
    assert "Mill Lane" not in done.text and "GB123456789" not in done.text
    assert 'name="vat_id"' not in done.text  # no form on an erased customer
    with connection():
        erased = Customer.get_by_id(customer)
    assert (erased.address, erased.vat_id) == ("", "")
    rows = _audit(customer)
    assert len(rows) == 2  # who changed them, and when, stays
    assert all(json.loads(r.before) == json.loads(r.after) == "(erased)" for r in rows)
    receipt = owner.get(f"/r/{token}").text
    assert "Mill Lane" not in receipt and "GB123456789" not in receipt
    refused = _post(owner, store, customer, address="5 Mill Lane", vat_id="GB123456789")
    assert refused.status_code == 422 and "merged or erased" in refused.text
    with connection():
        assert Customer.get_by_id(customer).address == ""
    assert len(_audit(customer)) == 2
