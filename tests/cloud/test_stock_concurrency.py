"""Four tills of one store push sales, refunds, receipts, waste and counts of the same products
at the same moment against a real server (SQLite and PostgreSQL). Afterwards every product's
on hand equals the sum of its movements, the figure the tills get from the feed, and the figure
computed independently from what the tills sent (the last count plus everything at or after
its start): no update lost, none applied twice, whatever order the batches met in."""

from __future__ import annotations

import datetime as dt
import random
import threading
import uuid
from decimal import Decimal

from .conftest import sale_payload

SKUS = ("S1", "S2", "S3")
TILLS, BATCHES, PER_BATCH = 4, 12, 8
BASE = dt.datetime(2024, 6, 1, 9, 0, tzinfo=dt.UTC)


def _quantity(rng: random.Random) -> str:
    return rng.choice(["1", "2", "3", "0.250", "1.5"])


def _random_event(till, rng: random.Random, sent: list[dict]) -> dict:
    """One event with a random moment within an hour; also noted in ``sent`` as a fact."""
    at = BASE + dt.timedelta(seconds=rng.randrange(3600))
    sku, qty = rng.choice(SKUS), _quantity(rng)
    kind = rng.choices(["sale", "refund", "receipt", "waste", "count"], [6, 1, 2, 1, 1])[0]
    lines = [{"sku": sku, "quantity": qty}]
    if kind == "sale":
        payload = sale_payload(sku=sku, quantity=qty)
        payload["completed_at"] = at.isoformat()
        event, delta = till.event("sale.completed", payload), -Decimal(qty)
    elif kind == "refund":
        payload = {"refund_id": str(uuid.uuid4()), "sale_id": None, "lines": [], "stock": lines}
        event, delta = till.event("refund.completed", payload), Decimal(qty)
    elif kind == "receipt":
        payload = {"receipt_id": str(uuid.uuid4()), "lines": lines}
        event, delta = till.event("goods.received", payload), Decimal(qty)
    elif kind == "waste":
        payload = {"waste_id": str(uuid.uuid4()), "reason": "expired", "lines": lines}
        event, delta = till.event("stock.wasted", payload), -Decimal(qty)
    else:
        counted = str(rng.randrange(0, 40))
        payload = {"count_id": str(uuid.uuid4()), "started_at": at.isoformat(),
                   "lines": [{"sku": sku, "expected": None, "counted": counted}]}  # fmt: skip
        event = till.event("stock.counted", payload)
        at_posted = at + dt.timedelta(seconds=rng.randrange(1, 600))
        event["occurred_at"] = at_posted.isoformat()
        sent.append({"sku": sku, "count": Decimal(counted), "at": at, "id": event["event_id"]})
        return event
    event["occurred_at"] = at.isoformat()
    sent.append({"sku": sku, "delta": delta, "at": at})
    return event


def _expected(sent: list[dict], sku: str) -> Decimal:
    counts = sorted(
        (f["at"], f["id"], f["count"]) for f in sent if "count" in f and f["sku"] == sku
    )
    moves = [f for f in sent if "delta" in f and f["sku"] == sku]
    if not counts:
        return sum((f["delta"] for f in moves), Decimal(0))
    start, _, counted = counts[-1]
    return counted + sum((f["delta"] for f in moves if f["at"] >= start), Decimal(0))


def test_four_tills_at_once_lose_no_update(cloud):
    first = cloud.till()
    tills = [first] + [cloud.till(first.store_id) for _ in range(TILLS - 1)]
    sent: list[dict] = []
    lock, errors = threading.Lock(), []
    start = threading.Barrier(TILLS)

    def run(index: int) -> None:
        till, rng, mine = tills[index], random.Random(index), []
        batches = [[_random_event(till, rng, mine) for _ in range(PER_BATCH)]
                   for _ in range(BATCHES)]  # fmt: skip
        start.wait()
        for batch in batches:
            response = till.push(batch)
            statuses = {r["status"] for r in response.json()["results"]}
            if response.status_code != 200 or statuses != {"stored"}:
                errors.append(response.text)
                return
        with lock:
            sent.extend(mine)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(TILLS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[:2]
    assert len(sent) == TILLS * BATCHES * PER_BATCH

    sid = first.store_id
    levels = {row["sku"]: Decimal(row["quantity"])
              for row in cloud.admin.get(f"/v1/admin/stores/{sid}/stock").json()}  # fmt: skip
    feed = {i["id"]: Decimal(i["data"]["quantity"])
            for i in first.client.get("/v1/feed/stock").json()["items"]}  # fmt: skip
    for sku in SKUS:
        movements = cloud.admin.get(
            f"/v1/admin/stores/{sid}/stock/{sku}/movements", params={"limit": 5000}
        ).json()
        ledger = sum((Decimal(m["quantity"]) for m in movements), Decimal(0))
        assert levels[sku] == ledger == feed[sku] == _expected(sent, sku), sku
        non_count = [m for m in movements if m["reason"] != "count"]
        assert len(non_count) == sum(1 for f in sent if "delta" in f and f["sku"] == sku)
