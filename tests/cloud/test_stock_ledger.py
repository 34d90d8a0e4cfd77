"""The cloud's stock ledger against a real server (SQLite and PostgreSQL): every stock event
becomes movements exactly once, on hand is their sum, counts set the figure as of their start
whatever order the events arrive in, and transfers move stock between stores."""

from __future__ import annotations

import uuid
from decimal import Decimal

from .conftest import sale_payload


def _at(minute: int) -> str:
    return f"2024-05-01T10:{minute:02d}:00+00:00"


def _event(till, type_, payload, minute):
    event = till.event(type_, payload)
    event["occurred_at"] = _at(minute)
    return event


def _sale(till, sku, quantity, minute):
    payload = sale_payload(sku=sku, quantity=quantity)
    payload["completed_at"] = _at(minute)
    return _event(till, "sale.completed", payload, minute)


def _count(till, sku, counted, started_minute, posted_minute):
    payload = {
        "count_id": str(uuid.uuid4()),
        "started_at": _at(started_minute),
        "lines": [{"sku": sku, "expected": None, "counted": counted}],
    }
    return _event(till, "stock.counted", payload, posted_minute)


def _lines(sku, quantity):
    return [{"sku": sku, "quantity": quantity}]


def _push_ok(till, events):
    response = till.push(events)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["stored"] * len(events), results
    return results


def _on_hand(cloud, store_id, sku) -> Decimal | None:
    levels = cloud.admin.get(f"/v1/admin/stores/{store_id}/stock").json()
    found = [row["quantity"] for row in levels if row["sku"] == sku]
    return Decimal(found[0]) if found else None


def _movements(cloud, store_id, sku) -> list[dict]:
    r = cloud.admin.get(f"/v1/admin/stores/{store_id}/stock/{sku}/movements")
    assert r.status_code == 200, r.text
    return r.json()


def _ledger_sum(cloud, store_id, sku) -> Decimal:
    return sum((Decimal(m["quantity"]) for m in _movements(cloud, store_id, sku)), Decimal(0))


def _feed_quantity(till, sku) -> str:
    items = till.client.get("/v1/feed/stock").json()["items"]
    return [i["data"]["quantity"] for i in items if i["id"] == sku][-1]


def test_every_kind_of_movement_is_applied_once_and_on_hand_is_their_sum(cloud):
    till = cloud.till()
    sid = till.store_id
    receipt = {"receipt_id": "R1", "supplier": "Acme", "lines": [
        {"sku": "P1", "quantity": "24", "unit_cost_minor": 85}]}  # fmt: skip
    waste = {"waste_id": "W1", "reason": "damaged", "lines": _lines("P1", "2")}
    sale = _sale(till, "P1", "3", 2)
    refund_new = {"refund_id": "F1", "sale_id": sale["payload"]["sale_id"], "lines": [],
                  "stock": _lines("P1", "1")}  # fmt: skip
    line_id = sale["payload"]["lines"][0]["line_id"]
    refund_old = {"refund_id": "F2", "sale_id": sale["payload"]["sale_id"],
                  "lines": [[line_id, "1", 150, 24, "Pen"]]}  # fmt: skip
    events = [
        _event(till, "goods.received", receipt, 1),
        sale,
        _event(till, "refund.completed", refund_new, 3),
        _event(till, "refund.completed", refund_old, 4),  # a till that does not name skus
        _event(till, "stock.wasted", waste, 5),
    ]
    _push_ok(till, events)
    again = till.push(events).json()["results"]  # the retry after a lost answer
    assert [r["status"] for r in again] == ["duplicate"] * len(events)

    assert _on_hand(cloud, sid, "P1") == Decimal(24 - 3 + 1 + 1 - 2)
    reasons = sorted(
        (m["reason"], m["quantity"], m["detail"]) for m in _movements(cloud, sid, "P1")
    )
    assert reasons == [("receipt", "24", None), ("refund", "1", None), ("refund", "1", None),
                       ("sale", "-3", None), ("waste", "-2", "damaged")]  # fmt: skip
    assert _ledger_sum(cloud, sid, "P1") == _on_hand(cloud, sid, "P1")
    assert Decimal(_feed_quantity(till, "P1")) == Decimal(21)


def test_a_count_sets_the_figure_as_of_its_start_whatever_arrives_late(cloud):
    till = cloud.till()
    sid = till.store_id
    late_till = cloud.till(sid)
    # 10:00 receive 50; 10:10 the count starts; 10:12 one sold during the count;
    # 10:20 the count is posted: 40 on the shelf at its start.
    _push_ok(till, [_event(till, "goods.received",
                           {"receipt_id": "R", "lines": _lines("C1", "50")}, 0)])  # fmt: skip
    _push_ok(till, [_sale(till, "C1", "1", 12), _count(till, "C1", "40", 10, 20)])
    assert _on_hand(cloud, sid, "C1") == Decimal(39)  # 40 at the start, less the sale during it
    # Another till was offline: its sale at 10:05 (before the count started) arrives now. The
    # shelf count already saw it, so on hand stays; its sale at 10:15 (during it) counts.
    _push_ok(late_till, [_sale(late_till, "C1", "2", 5), _sale(late_till, "C1", "3", 15)])
    assert _on_hand(cloud, sid, "C1") == Decimal(36)
    # An older count (started 10:08) posted late changes nothing: the newer one stands.
    _push_ok(late_till, [_count(late_till, "C1", "7", 8, 30)])
    assert _on_hand(cloud, sid, "C1") == Decimal(36)
    kinds = [(m["reason"], m["detail"]) for m in _movements(cloud, sid, "C1")]
    assert ("count", "superseded") in kinds and ("count", "before count") in kinds
    assert _ledger_sum(cloud, sid, "C1") == Decimal(36)


def test_transfers_move_stock_between_stores_and_show_in_transit(cloud):
    sender = cloud.till()
    receiver = cloud.till()
    transfer_id = str(uuid.uuid4())
    sent = {"transfer_id": transfer_id, "to_store_id": receiver.store_id,
            "lines": _lines("T1", "6")}  # fmt: skip
    _push_ok(sender, [_event(sender, "stock.transfer_sent", sent, 1)])
    assert _on_hand(cloud, sender.store_id, "T1") == Decimal(-6)
    for store in (sender.store_id, receiver.store_id):
        listed = cloud.admin.get(f"/v1/admin/stores/{store}/transfers",
                                 params={"status": "in_transit"}).json()  # fmt: skip
        assert [t["transfer_id"] for t in listed] == [transfer_id]
    got = {"transfer_id": transfer_id, "lines": _lines("T1", "5")}  # one broke on the way
    _push_ok(receiver, [_event(receiver, "stock.transfer_received", got, 9)])
    assert _on_hand(cloud, receiver.store_id, "T1") == Decimal(5)
    listed = cloud.admin.get(f"/v1/admin/stores/{receiver.store_id}/transfers").json()
    assert listed[0]["status"] == "received" and listed[0]["direction"] == "in"
    assert listed[0]["received_lines"] == [{"sku": "T1", "quantity": "5"}]
    # Received twice (another till of the store): refused, stock unchanged.
    twice = receiver.push([_event(receiver, "stock.transfer_received", got, 10)]).json()
    assert twice["results"][0]["status"] == "rejected"
    assert "already received" in twice["results"][0]["reason"]
    assert _on_hand(cloud, receiver.store_id, "T1") == Decimal(5)


def test_a_transfer_received_before_the_sender_reports_it_is_completed_later(cloud):
    sender, receiver = cloud.till(), cloud.till()
    transfer_id = str(uuid.uuid4())
    got = {"transfer_id": transfer_id, "lines": _lines("T2", "3")}
    _push_ok(receiver, [_event(receiver, "stock.transfer_received", got, 5)])
    sent = {"transfer_id": transfer_id, "to_store_id": receiver.store_id,
            "lines": _lines("T2", "3")}  # fmt: skip
    _push_ok(sender, [_event(sender, "stock.transfer_sent", sent, 1)])
    listed = cloud.admin.get(f"/v1/admin/stores/{sender.store_id}/transfers").json()
    assert listed[0]["status"] == "received" and listed[0]["direction"] == "out"
    assert _on_hand(cloud, sender.store_id, "T2") == Decimal(-3)
    assert _on_hand(cloud, receiver.store_id, "T2") == Decimal(3)


def test_bad_stock_events_are_rejected_with_the_reason_and_move_nothing(cloud):
    till = cloud.till()
    other = cloud.till()
    bad = [
        _event(till, "stock.wasted", {"waste_id": "W", "reason": "fell",
                                      "lines": _lines("B", "1")}, 1),
        _event(till, "goods.received", {"receipt_id": "R", "lines": _lines("B", "-4")}, 1),
        _event(till, "stock.counted", {"count_id": "K", "started_at": "yesterday",
                                       "lines": [{"sku": "B", "counted": "1"}]}, 1),
        _event(till, "stock.transfer_sent", {"transfer_id": str(uuid.uuid4()),
               "to_store_id": till.store_id, "lines": _lines("B", "1")}, 1),
        _event(till, "stock.transfer_sent", {"transfer_id": str(uuid.uuid4()),
               "to_store_id": "no-such-store", "lines": _lines("B", "1")}, 1),
    ]  # fmt: skip
    results = till.push(bad).json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * len(bad)
    assert "stock.wasted payload invalid at 'reason'" in results[0]["reason"]
    assert "goods.received payload invalid at 'lines.0.quantity'" in results[1]["reason"]
    assert "cannot send goods to itself" in results[3]["reason"]
    assert "no store no-such-store" in results[4]["reason"]
    assert _on_hand(cloud, till.store_id, "B") is None
    assert other.store_id != till.store_id


def _feed(till, stream) -> dict[str, dict]:
    items = till.client.get(f"/v1/feed/{stream}").json()["items"]
    return {i["id"]: i for i in items}  # the last change of each item


def test_the_tills_hear_of_other_stores_and_of_transfers_on_their_way(cloud):
    sender, receiver = cloud.till(), cloud.till()
    stores = _feed(sender, "stores")
    assert stores[receiver.store_id]["data"] == {"name": "Shop"}
    assert receiver.store_id != sender.store_id and sender.store_id in _feed(receiver, "stores")
    transfer_id = str(uuid.uuid4())
    sent = {"transfer_id": transfer_id, "to_store_id": receiver.store_id,
            "lines": _lines("T3", "4")}  # fmt: skip
    _push_ok(sender, [_event(sender, "stock.transfer_sent", sent, 1)])
    incoming = _feed(receiver, "transfers")[transfer_id]
    assert incoming["op"] == "upsert"
    assert incoming["data"]["from_store"] == "Shop"
    assert incoming["data"]["lines"] == [{"sku": "T3", "quantity": "4"}]
    assert transfer_id not in _feed(sender, "transfers")  # only the receiving store hears
    got = {"transfer_id": transfer_id, "lines": _lines("T3", "4")}
    _push_ok(receiver, [_event(receiver, "stock.transfer_received", got, 9)])
    assert _feed(receiver, "transfers")[transfer_id]["op"] == "delete"
