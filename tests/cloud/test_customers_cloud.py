"""Customers in the cloud (SQLite and PostgreSQL): made from tills' events, listed and
searched with paging, merged (sales and points move), exported (GDPR access) and erased
(personal data gone, sales totals kept)."""

from __future__ import annotations

import json
import uuid

from pos_cloud.db import connection
from pos_cloud.models import Event, ReceiptMail
from tests.cloud.conftest import sale_payload


def _customer(till, name: str, email: str | None = None, phone: str | None = None) -> str:
    customer_id = str(uuid.uuid4())
    payload = {
        "customer_id": customer_id,
        "name": name,
        "email": email,
        "phone": phone,
        "marketing_consent": True,
        "consent_at": "2026-11-26T10:00:00Z",
        "consent_source": "till T01 (ann)",
        "email_receipts": False,
        "created_by": "ann",
    }
    r = till.push([till.event("customer.created", payload)])
    assert r.json()["results"][0]["status"] == "stored", r.text
    return customer_id


def _sale(till, customer_id: str) -> dict:
    payload = sale_payload() | {"customer_id": customer_id}
    payload["receipt_number"] = till.next_seq
    earned = {
        "entry_id": str(uuid.uuid4()),
        "account": customer_id,
        "unit": "PTS",
        "amount": 3,
        "sale_id": payload["sale_id"],
    }
    events = [till.event("sale.completed", payload), till.event("loyalty.earned", earned)]
    results = till.push(events).json()["results"]
    assert [r["status"] for r in results] == ["stored", "stored"], results
    return payload


def test_list_search_and_page(cloud):
    store = cloud.store()
    till = cloud.till(store)
    ids = [
        _customer(till, "Anna Schmidt", "anna@example.org", "+49301234567"),
        _customer(till, "Ben Okafor", "ben@example.org", "01715550101"),
        _customer(till, "Cleo Park", None, "01715550199"),
    ]
    base = f"/v1/admin/stores/{store}/customers"
    found = cloud.admin.get(base, params={"q": "ANNA@"}).json()["items"]
    assert [c["id"] for c in found] == [ids[0]] and found[0]["consent_source"] == "till T01 (ann)"
    assert {c["name"] for c in cloud.admin.get(base, params={"q": "555"}).json()["items"]} == {
        "Ben Okafor",
        "Cleo Park",
    }
    seen, after = [], ""
    while True:
        page = cloud.admin.get(base, params={"limit": 2, "after": after}).json()
        seen += [c["id"] for c in page["items"]]
        if page["next"] is None:
            break
        after = page["next"]
    assert sorted(seen) == sorted(ids)
    other = cloud.store()
    assert cloud.admin.get(f"/v1/admin/stores/{other}/customers").json()["items"] == []


def test_merge_moves_sales_and_points(cloud):
    store = cloud.store()
    till = cloud.till(store)
    kept = _customer(till, "Anna Schmidt", "anna@example.org")
    dup = _customer(till, "Anna S.", "anna.s@example.org")
    _sale(till, kept)
    _sale(till, dup)
    _sale(till, dup)
    base = f"/v1/admin/stores/{store}/customers"
    r = cloud.admin.post(f"{base}/{dup}/merge-into/{kept}")
    assert r.status_code == 200, r.text
    assert r.json()["points_moved"] == 6
    export = cloud.admin.get(f"{base}/{kept}/export").json()
    assert len(export["sales"]) == 3 and export["points"]["balance"] == 9
    listed = [c["id"] for c in cloud.admin.get(base).json()["items"]]
    assert dup not in listed and kept in listed
    assert cloud.admin.post(f"{base}/{dup}/merge-into/{kept}").status_code == 422  # once only
    assert cloud.admin.post(f"{base}/{kept}/merge-into/{kept}").status_code == 422
    assert cloud.admin.get(f"{base}/{dup}/export").json()["points"]["balance"] == 0
    # a till that still has the duplicate is answered with the points of the customer kept
    points = till.client.get(f"/v1/customers/{dup}/points").json()
    assert points["account"] == kept and points["balance"] == 9


def test_merge_keeps_marketing_consent_only_if_both_agreed(cloud):
    store = cloud.store()
    till = cloud.till(store)
    kept = _customer(till, "Lena Kurz", "lena@example.org")
    dup = str(uuid.uuid4())  # the same person, who did not agree on this record
    payload = {"customer_id": dup, "name": "Lena K.", "email": "lena.k@example.org"}
    assert till.push([till.event("customer.created", payload)]).json()["results"][0]["status"] == (
        "stored"
    )
    base = f"/v1/admin/stores/{store}/customers"
    assert kept in cloud.admin.get(f"{base}/marketing.csv").text
    assert cloud.admin.post(f"{base}/{dup}/merge-into/{kept}").status_code == 200
    assert kept not in cloud.admin.get(f"{base}/marketing.csv").text
    record = cloud.admin.get(f"{base}/{kept}/export").json()["customer"]
    assert record["marketing_consent"] is False
    assert record["consent_source"] == f"merge of {dup}" and record["consent_at"].endswith("Z")


def test_export_then_erase_keeps_the_sales_totals(cloud):
    store = cloud.store()
    till = cloud.till(store)
    customer = _customer(till, "Dora Quinn", "dora@example.org", "01715550123")
    sale = _sale(till, customer)
    base = f"/v1/admin/stores/{store}/customers/{customer}"
    export = cloud.admin.get(f"{base}/export").json()
    assert export["customer"]["email"] == "dora@example.org"
    assert export["sales"] == [
        {
            "sale_id": sale["sale_id"],
            "receipt_number": sale["receipt_number"],
            "total_minor": 300,
            "currency": "EUR",
            "completed_at": "2024-05-01T10:00:00",
        }
    ]
    assert [e["amount"] for e in export["points"]["entries"]] == [3]

    with connection():  # the receipt was e-mailed once and is queued again
        ReceiptMail.insert(
            mail_id="m1",
            store_id=store,
            sale_id=sale["sale_id"],
            recipient="dora@example.org",
            status="sent",
        ).execute()
        ReceiptMail.insert(
            mail_id="m2", store_id=store, sale_id=sale["sale_id"], recipient="dora@example.org"
        ).execute()
    r = cloud.admin.post(f"{base}/erase")
    assert r.status_code == 200 and r.json() == {
        "erased": customer,
        "events_scrubbed": 1,
        "sales_kept": 1,
        "merged_records_erased": 0,
        "receipt_mails_forgotten": 2,
    }
    with connection():  # the addresses go; the queued message is not sent any more
        mails = {m.mail_id: (m.recipient, m.status) for m in ReceiptMail.select()}
    assert mails == {"m1": ("Erased customer", "sent"), "m2": ("Erased customer", "failed")}
    after = cloud.admin.get(f"{base}/export").json()
    assert after["customer"]["name"] == "Erased customer"
    assert after["customer"]["email"] is None and after["customer"]["phone"] is None
    assert after["customer"]["erased"] is True
    assert [s["total_minor"] for s in after["sales"]] == [300]
    with connection():
        bodies = [e.body for e in Event.select().where(Event.type == "customer.created")]
    mine = [json.loads(b) for b in bodies if customer in b]
    assert mine and all("dora" not in json.dumps(b).lower() for b in mine)
    report = cloud.admin.get(
        f"/v1/admin/stores/{store}/reports/daily", params={"day": "2024-05-01"}
    ).json()
    assert report["gross_minor"] == 300
    assert cloud.admin.post(f"/v1/admin/stores/{store}/customers/nobody/erase").status_code == 404


def test_the_marketing_export_lists_only_consenting_live_customers(cloud):
    store = cloud.store()
    till = cloud.till(store)
    yes = _customer(till, "=Eve Formula", "eve@example.org")
    payload = {"customer_id": str(uuid.uuid4()), "name": "No Consent", "email": "no@example.org"}
    assert till.push([till.event("customer.created", payload)]).json()["results"][0]["status"] == (
        "stored"
    )
    gone = _customer(till, "Gone Away", "gone@example.org")
    cloud.admin.post(f"/v1/admin/stores/{store}/customers/{gone}/erase")
    r = cloud.admin.get(f"/v1/admin/stores/{store}/customers/marketing.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.strip().split("\r\n")
    assert lines[0] == "id,name,email,phone,consent_at,consent_source"
    assert len(lines) == 2 and lines[1].startswith(f"{yes},'=Eve Formula,eve@example.org")
