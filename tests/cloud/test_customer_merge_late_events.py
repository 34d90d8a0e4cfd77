"""Sales and points a till sends under a customer id merged away follow the merge (SQLite and
PostgreSQL): a till that still has the duplicate (offline, a parked sale, no fresh customers
feed yet) pushes a sale and its points with the old id, and they land on the customer kept,
also through chains of merges; a retried event stays a duplicate; the points balance and
redemption asked with the old id answer for the customer kept. An event for an erased customer
brings no personal data back."""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid

from pos_cloud.db import connection
from pos_cloud.models import Customer, Event, SaleCustomer
from tests.cloud.conftest import sale_payload
from tests.cloud.test_customers_cloud import _customer


def _merge(cloud, store: str, dup: str, kept: str) -> None:
    r = cloud.admin.post(f"/v1/admin/stores/{store}/customers/{dup}/merge-into/{kept}")
    assert r.status_code == 200, r.text


def _export(cloud, store: str, customer: str) -> dict:
    r = cloud.admin.get(f"/v1/admin/stores/{store}/customers/{customer}/export")
    assert r.status_code == 200, r.text
    return r.json()


def _points_event(till, type_: str, account: str, amount: int, sale_id: str | None, **more):
    body = {"entry_id": str(uuid.uuid4()), "account": account, "unit": "PTS", "amount": amount}
    return till.event(type_, body | ({"sale_id": sale_id} if sale_id else {}) | more)


def _late_sale(till, customer_id: str, points: int) -> tuple[dict, list[dict]]:
    """A sale with the customer and the points it earned, as the till pushes them."""
    payload = sale_payload() | {"customer_id": customer_id}
    payload["receipt_number"] = till.next_seq
    events = [
        till.event("sale.completed", payload),
        _points_event(till, "loyalty.earned", customer_id, points, payload["sale_id"]),
    ]
    return payload, events


def _statuses(till, events: list[dict]) -> list[str]:
    r = till.push(events)
    assert r.status_code == 200, r.text
    return [x["status"] for x in r.json()["results"]]


def _points(till, customer: str) -> int:
    r = till.client.get(f"/v1/customers/{customer}/points")
    assert r.status_code == 200, r.text
    return r.json()["balance"]


def _two(till) -> tuple[str, str]:
    return (
        _customer(till, "Anna Schmidt", "anna@example.org"),
        _customer(till, "Anna S.", "anna.s@example.org"),  # another address: no automatic merge
    )


def test_a_sale_and_points_for_the_duplicate_after_the_merge_land_on_the_kept(cloud):
    till = cloud.till()
    store = till.store_id
    kept, dup = _two(till)
    _merge(cloud, store, dup, kept)
    sale, events = _late_sale(till, dup, 7)
    assert _statuses(till, events) == ["stored", "stored"]
    export = _export(cloud, store, kept)
    assert [s["sale_id"] for s in export["sales"]] == [sale["sale_id"]]
    assert export["points"]["balance"] == 7
    assert [e["sale_id"] for e in export["points"]["entries"]] == [sale["sale_id"]]
    assert _export(cloud, store, dup)["sales"] == []
    assert _points(till, kept) == 7

    # the till's retry of the same events is a duplicate: nothing moves twice
    assert _statuses(till, events) == ["duplicate", "duplicate"]
    export = _export(cloud, store, kept)
    assert len(export["sales"]) == 1 and export["points"]["balance"] == 7


def test_a_chain_of_merges_is_followed_to_the_end(cloud):
    till = cloud.till()
    store = till.store_id
    first = _customer(till, "Ben Okafor", "ben@example.org")
    second = _customer(till, "Ben O.", "ben.o@example.org")
    last = _customer(till, "Benjamin Okafor", "benjamin@example.org")
    _merge(cloud, store, first, second)
    _merge(cloud, store, second, last)
    sale, events = _late_sale(till, first, 4)
    refund = _points_event(till, "loyalty.taken_back", first, 1, sale["sale_id"])
    assert _statuses(till, [*events, refund]) == ["stored"] * 3
    export = _export(cloud, store, last)
    assert [s["sale_id"] for s in export["sales"]] == [sale["sale_id"]]
    assert export["points"]["balance"] == 3
    for merged in (first, second):
        assert _export(cloud, store, merged)["sales"] == []
        assert _points(till, merged) == 3


def test_points_asked_and_spent_with_the_old_id_are_the_kept_customers(cloud):
    till = cloud.till()
    store = till.store_id
    kept, dup = _two(till)
    assert _statuses(till, _late_sale(till, kept, 10)[1]) == ["stored", "stored"]
    _merge(cloud, store, dup, kept)
    r = till.client.get(f"/v1/customers/{dup}/points")
    answer = {"account": kept, "unit": "PTS", "balance": 10, "earned_365d": 10}
    assert r.status_code == 200 and r.json() == answer
    spend = {"entry_id": str(uuid.uuid4()), "amount": 4}
    r = till.client.post(f"/v1/customers/{dup}/points/redeem", json=spend)
    assert r.status_code == 200 and r.json()["balance"] == 6, r.text
    again = till.client.post(f"/v1/customers/{dup}/points/redeem", json=spend)
    assert again.json() == r.json()  # a retry answers the first outcome, takes nothing more
    assert _points(till, kept) == 6
    too_much = {"entry_id": str(uuid.uuid4()), "amount": 7}
    assert till.client.post(f"/v1/customers/{dup}/points/redeem", json=too_much).status_code == (
        409
    )
    # the tender is removed: the release, with the old id, gives them back to the kept
    release = _points_event(till, "loyalty.released", dup, 0, None, reverses=spend["entry_id"])
    assert _statuses(till, [release]) == ["stored"]
    assert _points(till, kept) == 10


def test_points_spent_before_the_merge_and_given_back_after_it_reach_the_kept(cloud):
    till = cloud.till()
    store = till.store_id
    kept, dup = _two(till)
    assert _statuses(till, _late_sale(till, dup, 5)[1]) == ["stored", "stored"]
    spend = {"entry_id": str(uuid.uuid4()), "amount": 2}
    assert till.client.post(f"/v1/customers/{dup}/points/redeem", json=spend).status_code == 200
    _merge(cloud, store, dup, kept)
    assert _points(till, kept) == 3
    again = till.client.post(f"/v1/customers/{dup}/points/redeem", json=spend)
    assert again.status_code == 200 and again.json()["balance"] == 3, again.text  # a retry
    release = _points_event(till, "loyalty.released", dup, 0, None, reverses=spend["entry_id"])
    assert _statuses(till, [release]) == ["stored"]
    assert _points(till, kept) == 5


def test_a_merge_loop_does_not_hang_the_sale_stays_on_the_id_sent(cloud):
    till = cloud.till()
    one, two = _two(till)
    with connection():  # cannot happen through merge; a hand-edited database might hold it
        Customer.update(merged_into=two, deleted=True).where(Customer.id == one).execute()
        Customer.update(merged_into=one, deleted=True).where(Customer.id == two).execute()
    sale, events = _late_sale(till, one, 2)
    assert _statuses(till, events) == ["stored", "stored"]
    with connection():
        linked = SaleCustomer.get(SaleCustomer.sale_id == sale["sale_id"]).customer_id
    assert linked in (one, two)
    assert _points(till, linked) == 2


def test_an_erased_customer_stays_pseudonymous_when_late_events_arrive(cloud):
    till = cloud.till()
    store = till.store_id
    kept, dup = _two(till)
    _merge(cloud, store, dup, kept)
    assert cloud.admin.post(f"/v1/admin/stores/{store}/customers/{kept}/erase").status_code == 200
    # a till offline since before the erasure sends what it has: the customer made there
    # again (the same id), a sale and its points
    created = {"customer_id": dup, "name": "Anna S.", "email": "anna.s@example.org"}
    late = till.event("customer.created", created | {"phone": "0171 5550123"})
    sale, events = _late_sale(till, dup, 3)
    assert _statuses(till, [late, *events]) == ["stored"] * 3
    export = _export(cloud, store, kept)
    assert export["customer"]["name"] == "Erased customer" and export["customer"]["erased"]
    assert [s["sale_id"] for s in export["sales"]] == [sale["sale_id"]]
    assert export["points"]["balance"] == 3
    everything = json.dumps([export, _export(cloud, store, dup)])
    assert "anna" not in everything.lower() and "5550123" not in everything
    listed = cloud.admin.get(f"/v1/admin/stores/{store}/customers").json()["items"]
    assert listed == []
    with connection():
        bodies = [e.body for e in Event.select().where(Event.type == "customer.created")]
    assert all("anna" not in b.lower() and "5550123" not in b for b in bodies if dup in b)
    # and the till's retry of the scrubbed event is still a duplicate
    assert _statuses(till, [late]) == ["duplicate"]


def test_a_merge_while_tills_push_to_the_duplicate_never_splits_the_points(cloud):
    """Tills keep selling to the duplicate while it is merged: each sale and its points are
    either moved by the merge or follow it afterwards, never left on the duplicate."""
    tills = [cloud.till()]
    store = tills[0].store_id
    tills += [cloud.till(store) for _ in range(2)]
    kept, dup = _two(tills[0])
    assert _statuses(tills[0], _late_sale(tills[0], dup, 1)[1]) == ["stored", "stored"]
    barrier = threading.Barrier(len(tills) + 1)
    sales: list[str] = []
    problems: list[str] = []

    def sell(till) -> None:
        barrier.wait()
        for _ in range(6):
            sale, events = _late_sale(till, dup, 1)
            statuses = _statuses(till, events)
            if statuses != ["stored", "stored"]:
                problems.append(str(statuses))
            sales.append(sale["sale_id"])

    def merge() -> None:
        barrier.wait()
        _merge(cloud, store, dup, kept)

    threads = [threading.Thread(target=sell, args=(t,)) for t in tills]
    threads.append(threading.Thread(target=merge))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert problems == []
    export = _export(cloud, store, kept)
    assert len(export["sales"]) == len(sales) + 1
    assert export["points"]["balance"] == len(sales) + 1
    moved = _export(cloud, store, dup)
    assert moved["sales"] == [] and moved["points"]["balance"] == 0


def test_points_earned_in_365_days_count_the_merged_records_and_not_older_ones(cloud):
    """``earned_365d`` (the till's loyalty tier): earned less taken back in the last 365 days,
    spending and the merge's own move of points not counted, the duplicate's earnings too,
    asked with either id; an entry older than 365 days no longer counts."""
    from pos_cloud import ledger

    till = cloud.till()
    store = till.store_id
    kept, dup = _two(till)
    old_sale, old_events = _late_sale(till, kept, 1000)
    assert _statuses(till, old_events) == ["stored", "stored"]
    _, events = _late_sale(till, kept, 300)
    _, dup_events = _late_sale(till, dup, 200)
    assert _statuses(till, events + dup_events) == ["stored"] * 4
    taken = _points_event(till, "loyalty.taken_back", dup, 50, None)
    assert _statuses(till, [taken]) == ["stored"]
    r = till.client.post(
        f"/v1/customers/{kept}/points/redeem", json={"entry_id": str(uuid.uuid4()), "amount": 400}
    )
    assert r.status_code == 200, r.text
    with connection():  # the first sale's points were earned 366 days ago
        entry = ledger.LedgerEntry.get(ledger.LedgerEntry.sale_id == old_sale["sale_id"])
        ledger.LedgerEntry.update(created_at=entry.created_at - dt.timedelta(days=366)).where(
            ledger.LedgerEntry.id == entry.id
        ).execute()

    def earned(customer: str) -> int:
        r = till.client.get(f"/v1/customers/{customer}/points")
        assert r.status_code == 200, r.text
        return r.json()["earned_365d"]

    assert earned(kept) == 300 and earned(dup) == 150
    _merge(cloud, store, dup, kept)
    assert earned(kept) == 450 and earned(dup) == 450
    assert _points(till, kept) == 1000 + 300 + 150 - 400
