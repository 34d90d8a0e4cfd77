"""Event ingestion: exactly once, conflicts, gaps and sale derivation."""

from __future__ import annotations

import threading

from pos_cloud.db import connection
from pos_cloud.models import Event, Sale, StockMovement

from .conftest import sale_payload


def _statuses(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [r["status"] for r in response.json()["results"]]


def _event_count(terminal_id: str) -> int:
    with connection():
        return Event.select().where(Event.terminal == terminal_id).count()


def test_same_batch_retried_100_times_is_stored_once(cloud):
    till = cloud.till()
    batch = [till.event() for _ in range(5)]
    assert _statuses(till.push(batch)) == ["stored"] * 5
    for _ in range(99):
        assert _statuses(till.push(batch)) == ["duplicate"] * 5
    assert _event_count(till.terminal_id) == 5
    assert till.push(batch).json()["last_seq"] == 5


def test_two_pushers_at_once_store_each_event_exactly_once(cloud):
    till = cloud.till()
    batch = [till.event() for _ in range(40)]
    outcomes: list[list[str]] = []

    def push() -> None:
        outcomes.append(
            _statuses(cloud.client(till.token).post("/v1/events:batch", json={"events": batch}))
        )

    threads = [threading.Thread(target=push) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(40):
        assert sorted(o[i] for o in outcomes) == ["duplicate", "stored"]
    assert _event_count(till.terminal_id) == 40


def test_same_id_with_different_body_is_rejected(cloud):
    till = cloud.till()
    event = till.event()
    assert _statuses(till.push([event])) == ["stored"]
    changed = dict(event, payload={"n": 999})
    result = till.push([changed]).json()["results"][0]
    assert result == {
        "event_id": event["event_id"],
        "status": "rejected",
        "reason": "event id reused with a different body",
    }
    # Same body, different spelling of the same instant: still a duplicate.
    respelled = dict(event, occurred_at="2024-05-01T10:00:00+00:00")
    assert _statuses(till.push([respelled])) == ["duplicate"]


def test_seq_used_twice_is_rejected(cloud):
    till = cloud.till()
    first = till.event()
    assert _statuses(till.push([first])) == ["stored"]
    clash = till.event(seq=first["seq"])
    result = till.push([clash]).json()["results"][0]
    assert result["status"] == "rejected" and "seq 1 was already used" in result["reason"]


def test_gaps_are_recorded_and_filled(cloud):
    till = cloud.till()
    e = {s: till.event(seq=s) for s in range(1, 9)}
    assert _statuses(till.push([e[1], e[2], e[5], e[8]])) == ["stored"] * 4
    gaps = till.client.get("/v1/terminals/me/gaps").json()
    assert gaps["last_seq"] == 8
    assert gaps["missing"] == [3, 4, 6, 7]
    assert gaps["gaps"] == [{"first_seq": 3, "last_seq": 4}, {"first_seq": 6, "last_seq": 7}]
    till.push([e[4], e[6]])
    assert till.client.get("/v1/terminals/me/gaps").json()["missing"] == [3, 7]
    till.push([e[3], e[7]])
    assert till.client.get("/v1/terminals/me/gaps").json() == {
        "last_seq": 8,
        "gaps": [],
        "missing": [],
    }
    me = till.client.get("/v1/terminals/me").json()
    assert me["journal_head"] == "h8"


def test_sale_is_derived_with_stock_movement_and_report(cloud):
    till = cloud.till()
    cloud.product(till.store_id, "A1")
    sale = sale_payload(sku="A1", quantity="2")
    assert _statuses(till.push([till.event("sale.completed", sale)])) == ["stored"]
    assert _statuses(till.push([till.event("sale.completed", sale_payload(quantity="0.5"))])) == [
        "stored"
    ]
    sales = cloud.admin.get(f"/v1/admin/stores/{till.store_id}/sales", params={"day": "2024-05-01"})
    assert sales.status_code == 200
    assert {s["sale_id"] for s in sales.json()} >= {sale["sale_id"]}
    report = cloud.admin.get(
        f"/v1/admin/stores/{till.store_id}/reports/daily", params={"day": "2024-05-01"}
    ).json()
    assert report["sale_count"] == 2 and report["gross_minor"] == 600
    assert report["tax_minor"] == 96 and report["tenders"] == {"cash": 600}
    stock = till.client.get("/v1/feed/stock").json()["items"]
    assert stock[-1]["data"] == {"sku": "A1", "quantity": "-2.5"}
    with connection():
        assert (
            StockMovement.select()
            .where(StockMovement.sku == "A1", StockMovement.store == till.store_id)
            .count()
            == 2
        )


def test_invalid_sale_is_rejected_and_not_stored(cloud):
    till = cloud.till()
    bad_currency = till.event("sale.completed", sale_payload(currency="USD"))
    float_money = sale_payload()
    float_money["total_minor"] = 3.0
    bad_type = till.event("sale.completed", float_money)
    results = till.push([bad_currency, bad_type]).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert "differs from the store currency EUR" in results[0]["reason"]
    assert "total_minor" in results[1]["reason"]
    assert _event_count(till.terminal_id) == 0
    with connection():
        assert Sale.select().where(Sale.terminal == till.terminal_id).count() == 0


def test_sale_id_reused_by_another_event_is_rejected(cloud):
    till = cloud.till()
    sale = sale_payload()
    assert _statuses(till.push([till.event("sale.completed", sale)])) == ["stored"]
    again = till.push([till.event("sale.completed", sale)]).json()["results"][0]
    assert again["status"] == "rejected" and "already recorded" in again["reason"]


def test_unknown_types_are_stored_not_derived(cloud):
    till = cloud.till()
    assert _statuses(till.push([till.event("shift.opened", {"float_minor": 1000})])) == ["stored"]


def test_batch_shape_is_validated(cloud):
    till = cloud.till()
    too_many = [till.event(seq=i) for i in range(1, 502)]
    assert till.push(too_many).status_code == 422
    assert till.push([1, 2]).status_code == 422  # events are JSON objects
    # A malformed event is rejected on its own (and quarantined); the batch goes on.
    bad = dict(till.event(seq=1), event_id="not-a-uuid")
    zero = dict(till.event(seq=1), seq=0)
    good = till.event(seq=1)
    results = till.push([bad, zero, good]).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected", "stored"]
    assert results[0]["event_id"] == "not-a-uuid"
    assert "event_id" in results[0]["reason"] and "'seq'" in results[1]["reason"]
