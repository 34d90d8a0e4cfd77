"""One transaction per batch: mixed outcomes in one request, stock summed per batch, rejected
events leave no rows, overlapping concurrent batches, and the seq fold as a property."""

from __future__ import annotations

import copy
import random
import threading
import uuid

from hypothesis import given
from hypothesis import strategies as st

from pos_cloud.db import connection
from pos_cloud.models import Event, Sale, SalePayment, StockLevel, StockMovement
from pos_cloud.seq_tracking import SeqState, fold

from .conftest import sale_payload


def _results(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["results"]


def _sale(till, **kwargs) -> dict:
    return till.event("sale.completed", sale_payload(**kwargs))


def test_one_batch_with_every_outcome(cloud):
    till = cloud.till()
    old = _sale(till)
    assert [r["status"] for r in _results(till.push([old]))] == ["stored"]
    fresh = _sale(till, sku="K1", quantity="1")
    reused_body = dict(old, payload={"n": 1})
    clash = till.event(seq=fresh["seq"])  # same seq as `fresh`, another event id
    same_sale = till.event("sale.completed", fresh["payload"])  # sale id taken by `fresh`
    bad = till.event("sale.completed", sale_payload(currency="USD"))
    batch = [fresh, old, reused_body, clash, same_sale, bad, fresh]
    results = _results(till.push(batch))
    assert [r["status"] for r in results] == [
        "stored",
        "duplicate",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "duplicate",
    ]
    assert results[2]["reason"] == "event id reused with a different body"
    assert results[3]["reason"] == (
        f"seq {fresh['seq']} was already used by event {fresh['event_id']} of this terminal"
    )
    assert "already recorded by another event" in results[4]["reason"]
    assert "differs from the store currency" in results[5]["reason"]
    with connection():
        kept = {e.event_id for e in Event.select().where(Event.terminal == till.terminal_id)}
        assert kept == {old["event_id"], fresh["event_id"]}
        assert Sale.select().where(Sale.terminal == till.terminal_id).count() == 2
    # Rejected seqs do not advance last_seq; once a later seq arrives they become a gap.
    assert till.client.get("/v1/terminals/me/gaps").json() == {
        "last_seq": 2,
        "gaps": [],
        "missing": [],
    }
    assert _results(till.push([till.event()]))[0]["status"] == "stored"
    assert till.client.get("/v1/terminals/me/gaps").json()["missing"] == [3, 4]


def test_payment_id_taken_rejects_the_event_and_removes_its_rows(cloud):
    till = cloud.till()
    first = sale_payload()
    assert _results(till.push([till.event("sale.completed", first)]))[0]["status"] == "stored"
    second = sale_payload()
    second["payments"].append(dict(first["payments"][0]))  # a payment id of another sale
    twice = sale_payload()
    twice["payments"].append(dict(twice["payments"][0]))  # one payment id twice in a sale
    results = _results(
        till.push([till.event("sale.completed", second), till.event("sale.completed", twice)])
    )
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    with connection():
        for sale in (second, twice):
            assert Sale.get_or_none(Sale.sale_id == sale["sale_id"]) is None
            own = str(sale["payments"][0]["payment_id"])
            assert SalePayment.get_or_none(SalePayment.payment_id == own) is None
        assert (
            SalePayment.get_or_none(
                SalePayment.payment_id == first["payments"][0]["payment_id"]
            ).sale_id
            == first["sale_id"]
        )
    assert till.client.get("/v1/terminals/me").json()["last_seq"] == 1


def test_stock_of_one_sku_sums_over_the_batch_with_one_movement_per_sale(cloud):
    till = cloud.till()
    sku = f"K{uuid.uuid4().hex[:8]}"
    batch = [_sale(till, sku=sku, quantity=q) for q in ("1", "2.5", "-0.5")]
    batch.append(till.event("note", {"n": 1}))
    assert [r["status"] for r in _results(till.push(batch))] == ["stored"] * 4
    with connection():
        level = StockLevel.get((StockLevel.store == till.store_id) & (StockLevel.sku == sku))
        assert level.quantity == "-3.0"
        movements = StockMovement.select().where(StockMovement.sku == sku)
        assert sorted(m.quantity for m in movements) == ["-1", "-2.5", "0.5"]
    stock = till.client.get("/v1/feed/stock").json()["items"]
    assert [i["data"] for i in stock if i["id"] == sku] == [{"sku": sku, "quantity": "-3.0"}]
    # A later batch adds to the level and moves the stock feed's cursor past the old one.
    cursor = till.client.get("/v1/feed/stock").json()["cursor"]
    assert _results(till.push([_sale(till, sku=sku, quantity="1")]))[0]["status"] == "stored"
    page = till.client.get("/v1/feed/stock", params={"after": cursor}).json()
    assert page["items"] == [{"op": "upsert", "id": sku, "data": {"sku": sku, "quantity": "-4.0"}}]


def test_batches_without_stock_lines_do_not_touch_the_stock_feed(cloud):
    till = cloud.till()
    before = till.client.get("/v1/feed/stock").json()["cursor"]
    no_sku = sale_payload()
    no_sku["lines"][0]["sku"] = None
    results = _results(till.push([till.event("sale.completed", no_sku), till.event()]))
    assert [r["status"] for r in results] == ["stored", "stored"]
    assert till.client.get("/v1/feed/stock", params={"after": before}).json()["items"] == []


def test_overlapping_batches_in_different_orders_store_each_event_once(cloud):
    till = cloud.till()
    events = [_sale(till, sku="OV") for _ in range(30)] + [till.event() for _ in range(30)]
    rng = random.Random(7)
    batches = []
    for _ in range(4):
        batch = copy.deepcopy(rng.sample(events, 40))
        batches.append(batch)
    outcomes: dict[str, list[str]] = {e["event_id"]: [] for e in events}
    lock = threading.Lock()

    def push(batch):
        client = cloud.client(till.token)
        for r in _results(client.post("/v1/events:batch", json={"events": batch})):
            with lock:
                outcomes[r["event_id"]].append(r["status"])

    threads = [threading.Thread(target=push, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for statuses in outcomes.values():
        assert statuses.count("stored") <= 1
        assert set(statuses) <= {"stored", "duplicate"}
    stored = {e for e, s in outcomes.items() if "stored" in s}
    with connection():
        rows = {e.event_id for e in Event.select().where(Event.terminal == till.terminal_id)}
        assert rows == stored
        moved = StockMovement.select().where(StockMovement.event.in_(list(stored))).count()
        assert moved == sum(1 for e in events[:30] if e["event_id"] in stored)


def _one_at_a_time(start: SeqState, events) -> SeqState:
    state = start
    for event in events:
        state, _ = fold(state, [event])
    return state


@given(
    st.integers(min_value=0, max_value=20),
    st.lists(st.integers(min_value=1, max_value=40), max_size=30),
)
def test_seq_fold_keeps_exactly_the_missing_seqs(start, seqs):
    events = [(s, f"h{s}") for s in seqs]
    seen = set(range(1, start + 1))
    state, _ = fold(SeqState(start), events)
    seen |= {s for s in seqs}
    top = max([start, *seqs])
    missing = {n for a, b in state.gaps for n in range(a, b + 1)}
    assert state.last_seq == top
    assert missing == set(range(1, top + 1)) - seen
    # Folding the whole batch equals folding one event at a time (the old per-event rule).
    single = _one_at_a_time(SeqState(start), events)
    assert sorted(single.gaps) == sorted(state.gaps) and single.last_seq == state.last_seq
    assert state.journal_head == (f"h{top}" if top > start else None)
