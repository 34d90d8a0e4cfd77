"""Two tills meet the same person (offline, or before either synced): when the second record
reaches the cloud with the same name and the same e-mail (any case) or the same phone number
(spaces, dashes, dots and brackets aside), the cloud merges it into the first at once (SQLite
and PostgreSQL). A shared e-mail or phone under another name is left for a person to merge."""

from __future__ import annotations

import uuid

from pos_cloud.db import connection
from pos_cloud.models import Customer
from pos_cloud.web.models import WebAudit
from tests.cloud.conftest import sale_payload


def _created(till, name: str, email: str | None = None, phone: str | None = None) -> str:
    customer_id = str(uuid.uuid4())
    payload = {
        "customer_id": customer_id,
        "name": name,
        "email": email,
        "phone": phone,
        "marketing_consent": False,
        "email_receipts": False,
    }
    r = till.push([till.event("customer.created", payload)])
    assert r.json()["results"][0]["status"] == "stored", r.text
    return customer_id


def _row(customer_id: str) -> Customer:
    with connection():
        return Customer.get_by_id(customer_id)


def test_the_same_email_from_a_second_till_is_merged_into_the_first(cloud):
    store = cloud.store()
    first, second = cloud.till(store), cloud.till(store)
    anna = _created(first, "Anna Schmidt", "anna@example.org")
    again = _created(second, "Anna Schmidt", "Anna@Example.org", "030 1234567")
    kept, merged = _row(anna), _row(again)
    assert (merged.merged_into, merged.deleted) == (anna, True)
    assert not kept.deleted and kept.phone == "030 1234567"  # what only the second knew
    listed = cloud.admin.get(f"/v1/admin/stores/{store}/customers", params={"q": "anna"})
    assert [c["id"] for c in listed.json()["items"]] == [anna]
    with connection():
        audit = WebAudit.get((WebAudit.action == "customer.merge") & (WebAudit.object_id == again))
    assert "same e-mail" in audit.user_email


def test_the_same_phone_written_differently_is_merged(cloud):
    store = cloud.store()
    first, second = cloud.till(store), cloud.till(store)
    ben = _created(first, "Ben Okafor", phone="0171 555-0101")
    again = _created(second, "ben  OKAFOR", phone="(0171) 5550101")
    assert _row(again).merged_into == ben


def test_a_sale_in_the_same_batch_lands_on_the_customer_kept(cloud):
    store = cloud.store()
    first, second = cloud.till(store), cloud.till(store)
    cleo = _created(first, "Cleo Park", "cleo@example.org")
    again = str(uuid.uuid4())
    sale = sale_payload() | {"customer_id": again}
    created = {"customer_id": again, "name": "Cleo Park", "email": "cleo@example.org"}
    results = second.push(
        [second.event("customer.created", created), second.event("sale.completed", sale)]
    ).json()["results"]
    assert [r["status"] for r in results] == ["stored", "stored"]
    export = cloud.admin.get(f"/v1/admin/stores/{store}/customers/{cleo}/export").json()
    assert sale["sale_id"] in [s["sale_id"] for s in export["sales"]]


def test_different_people_and_other_stores_stay_apart(cloud):
    store, other = cloud.store(), cloud.store()
    till, elsewhere = cloud.till(store), cloud.till(other)
    dora = _created(till, "Dora Lind", "dora@example.org", "0171 555 0111")
    eve = _created(till, "Eve Lind", "eve@example.org", "0171 555 0112")
    nobody = _created(till, "No Contact")
    nobody_too = _created(till, "No Contact")  # no e-mail, no phone: nothing to match
    short = _created(till, "Desk", phone="000")
    short_too = _created(till, "Desk", phone="000")  # a placeholder, not a phone number
    household = _created(till, "Gus Lind", phone="0171 555 0111")  # Dora's phone, another name
    family = _created(till, "Eve's son", "eve@example.org")
    there = _created(elsewhere, "Dora Lind", "dora@example.org")
    for customer_id in (dora, eve, nobody, nobody_too, short, short_too, household, family, there):
        assert _row(customer_id).merged_into is None


def test_an_erased_customer_is_never_matched(cloud):
    store = cloud.store()
    till = cloud.till(store)
    gone = _created(till, "Finn Berg", "finn@example.org")
    assert cloud.admin.post(f"/v1/admin/stores/{store}/customers/{gone}/erase").status_code == 200
    back = _created(till, "Finn Berg", "finn@example.org")
    assert _row(back).merged_into is None and not _row(back).deleted
