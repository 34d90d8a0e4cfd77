"""Merging two customers keeps what only one of them holds (SQLite and PostgreSQL): invoice
details, the consent record and the receipts-by-e-mail preference, a missing e-mail or phone;
when both have different invoice details the most recently changed win and the other stays in
the audit trail. Every change the merge makes is audited, and the tills get the result through
the ``customers`` feed."""

from __future__ import annotations

import json
import uuid

import pytest

from pos_cloud.db import connection
from pos_cloud.models import Customer
from pos_cloud.web.models import WebAudit
from tests.cloud.backoffice_helpers import page_csrf, set_up_and_sign_in
from tests.cloud.test_customers_cloud import _customer

ACME = {"address": "Acme GmbH\n5 Dock Rd\nHamburg", "vat_id": "DE999888777"}
ACME_NEW = {"address": "Acme GmbH\n9 Quay St\nBremen", "vat_id": "DE111222333"}


@pytest.fixture(scope="module")
def owner(server):
    client, _ = set_up_and_sign_in(server)
    return client


def _audit(action: str, object_id: str) -> list[WebAudit]:
    with connection():
        return list(
            WebAudit.select()
            .where((WebAudit.action == action) & (WebAudit.object_id == object_id))
            .order_by(WebAudit.id)
        )


def _invoice(cloud, store: str, customer: str, details: dict) -> None:
    r = cloud.admin.put(
        f"/v1/admin/stores/{store}/customers/{customer}/invoice-details", json=details
    )
    assert r.status_code == 200, r.text


def _merge(cloud, store: str, dup: str, kept: str) -> dict:
    r = cloud.admin.post(f"/v1/admin/stores/{store}/customers/{dup}/merge-into/{kept}")
    assert r.status_code == 200, r.text
    return r.json()


def _record(cloud, store: str, customer: str) -> dict:
    return cloud.admin.get(f"/v1/admin/stores/{store}/customers/{customer}/export").json()


def test_the_kept_customer_takes_the_duplicates_invoice_details_audited(cloud):
    till = cloud.till()
    store = till.store_id
    kept = _customer(till, "Acme GmbH", "ap@acme.example")
    dup = _customer(till, "Acme", "accounts@acme.example")  # not the same: kept apart
    _invoice(cloud, store, dup, ACME)
    _merge(cloud, store, dup, kept)
    export = _record(cloud, store, kept)
    assert {k: export["customer"][k] for k in ACME} == ACME
    (row,) = _audit("customer.invoice_details", kept)
    assert json.loads(row.before) == {"address": "", "vat_id": ""}
    assert json.loads(row.after) == ACME | {"merged_from": dup}
    assert row.user_email == "admin API" and row.store_id == store
    assert [c["action"] for c in export["contact_history"]].count("customer.invoice_details") == 2
    (merge_row,) = _audit("customer.merge", dup)
    assert json.loads(merge_row.after) == {"merged_into": kept, "points_moved": 0}


@pytest.mark.parametrize("newer", ["duplicate", "kept"])
def test_both_with_invoice_details_keep_the_newer_and_audit_the_other(cloud, newer):
    till = cloud.till()
    store = till.store_id
    kept = _customer(till, "Acme GmbH", "ap@acme.example")
    dup = _customer(till, "Acme", "accounts@acme.example")  # not the same: kept apart
    older, newest = (kept, dup) if newer == "duplicate" else (dup, kept)
    _invoice(cloud, store, older, ACME)
    _invoice(cloud, store, newest, ACME_NEW)
    _merge(cloud, store, dup, kept)
    customer = _record(cloud, store, kept)["customer"]
    assert {k: customer[k] for k in ACME} == ACME_NEW
    row = _audit("customer.invoice_details", kept)[-1]
    before = ACME if newer == "duplicate" else ACME_NEW
    assert json.loads(row.before) == before
    assert json.loads(row.after) == ACME_NEW | {"merged_from": dup, "set_aside": ACME}
    with connection():  # the duplicate's record keeps its own, as the export shows
        assert Customer.get_by_id(dup).vat_id == (ACME if newer == "kept" else ACME_NEW)["vat_id"]


def test_erasing_the_kept_customer_erases_the_set_aside_details_too(cloud):
    till = cloud.till()
    store = till.store_id
    kept = _customer(till, "Acme GmbH", "ap@acme.example")
    dup = _customer(till, "Acme", "accounts@acme.example")  # not the same: kept apart
    _invoice(cloud, store, kept, ACME)
    _invoice(cloud, store, dup, ACME_NEW)
    _merge(cloud, store, dup, kept)
    r = cloud.admin.post(f"/v1/admin/stores/{store}/customers/{kept}/erase")
    assert r.status_code == 200, r.text
    rows = _audit("customer.invoice_details", kept)
    assert len(rows) == 2  # set on the page, then by the merge
    for row in rows:
        assert "DE" not in (row.before or "") + (row.after or "")


def test_the_preference_consent_record_and_missing_contact_come_from_the_duplicate(cloud):
    till = cloud.till()
    store = till.store_id
    kept = str(uuid.uuid4())  # made without an e-mail, consent never asked
    created = {"customer_id": kept, "name": "Jo Marx", "phone": "0301234"}
    assert till.push([till.event("customer.created", created)]).json()["results"][0]["status"] == (
        "stored"
    )
    dup = str(uuid.uuid4())  # said no at the till, wants receipts by e-mail
    created = {
        "customer_id": dup,
        "name": "Jo M.",
        "email": "jo@example.org",
        "phone": "0309999",
        "marketing_consent": False,
        "consent_at": "2026-11-20T09:00:00Z",
        "consent_source": "till T02 (ben)",
        "email_receipts": True,
    }
    assert till.push([till.event("customer.created", created)]).json()["results"][0]["status"] == (
        "stored"
    )
    cursor = till.client.get("/v1/feed/customers").json()["cursor"]
    _merge(cloud, store, dup, kept)
    customer = _record(cloud, store, kept)["customer"]
    assert customer["email_receipts"] is True and customer["marketing_consent"] is False
    assert (customer["consent_at"], customer["consent_source"]) == (
        "2026-11-20T09:00:00Z",
        "till T02 (ben)",
    )
    assert (customer["email"], customer["phone"]) == ("jo@example.org", "0301234")
    (consent,) = _audit("customer.marketing_consent", kept)
    assert json.loads(consent.after)["consent_source"] == "till T02 (ben)"
    (prefs,) = _audit("customer.email_receipts", kept)
    assert json.loads(prefs.before) == {"email_receipts": False}
    assert json.loads(prefs.after) == {"email_receipts": True, "merged_from": dup}
    (contact,) = _audit("customer.contact", kept)
    assert json.loads(contact.after)["email"] == "jo@example.org"
    # The tills drop the duplicate and get the merged record (with the e-mail) in one feed read.
    feed = till.client.get("/v1/feed/customers", params={"after": cursor}).json()
    assert [(i["id"], i["op"]) for i in feed["items"]] == [(dup, "delete"), (kept, "upsert")]
    assert feed["items"][1]["data"] == {
        "id": kept,
        "name": "Jo Marx",
        "email": "jo@example.org",
        "phone": "0301234",
    }


def test_a_duplicate_that_agreed_keeps_its_own_record_of_it(cloud):
    till = cloud.till()
    store = till.store_id
    dup = _customer(till, "Ute Berg", "ute@example.org")  # agreed at the till
    kept = str(uuid.uuid4())
    created = {"customer_id": kept, "name": "Ute B.", "email": "ute.berg@example.org"}
    assert till.push([till.event("customer.created", created)]).json()["results"][0]["status"] == (
        "stored"
    )
    _merge(cloud, store, dup, kept)
    assert _record(cloud, store, kept)["customer"]["marketing_consent"] is False
    merged = _record(cloud, store, kept)["merged_records"]
    assert [(m["marketing_consent"], m["consent_source"]) for m in merged] == [
        (True, "till T01 (ann)")
    ]


def test_a_merge_on_the_back_office_is_audited_as_the_person_who_made_it(owner, cloud):
    till = cloud.till()
    store = till.store_id
    kept = _customer(till, "Acme GmbH", "ap@acme.example")
    dup = _customer(till, "Acme", "accounts@acme.example")  # not the same: kept apart
    _invoice(cloud, store, dup, ACME)
    token = page_csrf(owner)
    confirm = owner.get(f"/app/stores/{store}/customers/{dup}/merge", params={"into": kept})
    assert "invoice details" in confirm.text
    r = owner.post(
        f"/app/stores/{store}/customers/{dup}/merge", data={"into": kept, "csrf_token": token}
    )
    assert r.status_code == 303
    page = owner.get(f"/app/stores/{store}/customers/{kept}").text
    assert "DE999888777" in page
    (row,) = _audit("customer.invoice_details", kept)
    (merge_row,) = _audit("customer.merge", dup)
    assert row.user_email == merge_row.user_email != "admin API"
    assert row.user_id is not None
