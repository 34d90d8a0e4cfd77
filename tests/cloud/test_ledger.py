"""Gift-card and points ledger on a real server (SQLite and PostgreSQL): the race, retries,
releases, take-backs, and events applied exactly once."""

from __future__ import annotations

import threading
import uuid

from tests.cloud.conftest import sale_payload


def _load(till, code: str, amount: int, entry_id: str | None = None) -> dict:
    payload = {
        "entry_id": entry_id or str(uuid.uuid4()),
        "account": code,
        "unit": "EUR",
        "amount": amount,
        "sale_id": str(uuid.uuid4()),
    }
    event = till.event("gift_card.loaded", payload)
    r = till.push([event])
    assert r.status_code == 200, r.text
    return r.json()["results"][0]


def _redeem(till, code: str, amount: int, entry_id: str | None = None):
    body = {"entry_id": entry_id or str(uuid.uuid4()), "amount": amount}
    return till.client.post(f"/v1/gift-cards/{code}/redeem", json=body)


def _balance(till, code: str) -> int:
    r = till.client.get(f"/v1/gift-cards/{code}")
    assert r.status_code == 200, r.text
    return r.json()["balance"]


def _race(one, two, code: str, amount: int) -> list[int]:
    """Both tills redeem ``amount`` of ``code`` at the same moment; the two status codes."""
    barrier = threading.Barrier(2)
    answers: dict[str, int] = {}

    def spend(till, name: str) -> None:
        barrier.wait()
        answers[name] = _redeem(till, code, amount).status_code

    threads = [threading.Thread(target=spend, args=(t, n)) for t, n in ((one, "a"), (two, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(answers.values())


def test_two_tills_spend_the_last_of_a_card_at_once_only_one_wins(cloud):
    store = cloud.store()
    one, two = cloud.till(store), cloud.till(store)
    for round_ in range(8):
        code = f"RACE-{round_}-{uuid.uuid4().hex[:6]}"
        assert _load(one, code, 1000)["status"] == "stored"
        assert _race(one, two, code, 700) == [200, 409]
        assert _balance(one, code) == 300


def test_redeem_refuses_more_than_the_balance_and_an_unknown_card(cloud):
    till = cloud.till()
    _load(till, "gc-small", 500)
    r = _redeem(till, "GC-SMALL", 501)
    assert r.status_code == 409 and "holds only 500" in r.json()["detail"]
    assert _redeem(till, "NO-SUCH-CARD", 1).status_code == 404
    assert _redeem(till, "GC-SMALL", 0).status_code == 422
    assert _balance(till, "Gc-Small") == 500  # codes in any case are one card


def test_a_retried_redeem_moves_the_balance_once(cloud):
    till = cloud.till()
    _load(till, "GC-RETRY", 1000)
    entry = str(uuid.uuid4())
    first, again = _redeem(till, "GC-RETRY", 300, entry), _redeem(till, "GC-RETRY", 300, entry)
    assert first.json() == again.json() == {"entry_id": entry, "amount": 300, "balance": 700}
    assert _balance(till, "GC-RETRY") == 700


def test_a_release_gives_the_redemption_back_once_and_blocks_a_late_redeem(cloud):
    till = cloud.till()
    _load(till, "GC-REL", 1000)
    spent = str(uuid.uuid4())
    assert _redeem(till, "GC-REL", 400, spent).status_code == 200

    def release(reverses: str) -> dict:
        payload = {
            "entry_id": str(uuid.uuid4()),
            "account": "GC-REL",
            "unit": "EUR",
            "reverses": reverses,
        }
        return till.push([till.event("gift_card.released", payload)]).json()["results"][0]

    assert release(spent)["status"] == "stored"
    assert _balance(till, "GC-REL") == 1000
    again = release(spent)  # a second release of the same entry: refused, nothing moves
    assert again["status"] == "rejected" and _balance(till, "GC-REL") == 1000
    never = str(uuid.uuid4())
    assert release(never)["status"] == "stored"  # released before it arrived
    assert _redeem(till, "GC-REL", 100, never).status_code == 409
    assert _balance(till, "GC-REL") == 1000


def test_a_loaded_event_pushed_twice_loads_once(cloud):
    till = cloud.till()
    event = till.event(
        "gift_card.loaded",
        {"entry_id": str(uuid.uuid4()), "account": "GC-TWICE", "unit": "EUR", "amount": 250},
    )
    assert till.push([event]).json()["results"][0]["status"] == "stored"
    assert till.push([event]).json()["results"][0]["status"] == "duplicate"
    assert _balance(till, "GC-TWICE") == 250


def test_a_bad_ledger_event_is_rejected_and_the_rest_of_the_batch_stored(cloud):
    till = cloud.till()
    wrong_unit = till.event(
        "gift_card.loaded",
        {"entry_id": str(uuid.uuid4()), "account": "GC-X", "unit": "USD", "amount": 1},
    )
    negative = till.event(
        "gift_card.loaded",
        {"entry_id": str(uuid.uuid4()), "account": "GC-X", "unit": "EUR", "amount": -5},
    )
    sale = till.event("sale.completed", sale_payload())
    results = till.push([wrong_unit, negative, sale]).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected", "stored"]
    assert "must be EUR" in results[0]["reason"]
    assert till.client.get("/v1/gift-cards/GC-X").status_code == 404


def test_points_earned_spent_and_taken_back_never_below_zero(cloud):
    till = cloud.till()
    customer = str(uuid.uuid4())

    def push(type_: str, amount: int) -> dict:
        payload = {
            "entry_id": str(uuid.uuid4()),
            "account": customer,
            "unit": "PTS",
            "amount": amount,
        }
        return till.push([till.event(type_, payload)]).json()["results"][0]

    assert push("loyalty.earned", 120)["status"] == "stored"
    r = till.client.post(
        f"/v1/customers/{customer}/points/redeem", json={"entry_id": "p1", "amount": 100}
    )
    assert r.status_code == 200 and r.json()["balance"] == 20
    assert push("loyalty.taken_back", 50)["status"] == "stored"  # only 20 were left
    r = till.client.get(f"/v1/customers/{customer}/points")
    # a tier counts what was earned less what refunds took back (asked), not what was spent
    assert r.json() == {"account": customer, "unit": "PTS", "balance": 0, "earned_365d": 70}


def test_the_owner_reads_a_cards_ledger(cloud):
    store = cloud.store()
    till = cloud.till(store)
    _load(till, "GC-OWNER", 900)
    _redeem(till, "GC-OWNER", 100)
    r = cloud.admin.get(f"/v1/admin/stores/{store}/gift-cards/gc-owner/entries")
    assert r.status_code == 200, r.text
    assert [(e["kind"], e["amount"], e["balance_after"]) for e in r.json()] == [
        ("redeem", -100, 800),
        ("load", 900, 900),
    ]
