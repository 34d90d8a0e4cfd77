"""Hostile or broken input gets a 4xx with a sentence, never a 500; a poisoned event is
rejected and quarantined alone while the events behind it are stored."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from pos_cloud.db import connection
from pos_cloud.guards import MAX_BODY_BYTES
from pos_cloud.quarantine import EventQuarantine

from .conftest import sale_payload


def _raw_push(till, text: str) -> httpx.Response:
    body = text.encode("utf-8", "surrogatepass")
    return till.client.post(
        "/v1/events:batch", content=body, headers={"content-type": "application/json"}
    )


def _event_json(till, seq: int, payload: str = "{}") -> str:
    """One event as JSON text with ``payload`` spliced in verbatim (it may be invalid JSON)."""
    event = till.event(seq=seq)
    event["payload"] = "@PAYLOAD@"
    return json.dumps(event).replace('"@PAYLOAD@"', payload)


def _batch(*events: str) -> str:
    return '{"events": [' + ", ".join(events) + "]}"


@pytest.mark.parametrize(
    "change",
    [
        {"total_minor": 2**70},  # beyond int64
        {"total_minor": -(2**63)},
        {"completed_at": "9999-12-31T23:59:59-01:00"},  # overflowed converting to UTC
        {"completed_at": "0001-01-01T00:00:00+01:00"},
        {"receipt_number": 2**64},
        {"lines": [{**sale_payload()["lines"][0], "unit_price_minor": 10**20}]},
        {"payments": [{**sale_payload()["payments"][0], "amount_minor": 2**63}]},
    ],
)
def test_poisoned_sale_is_rejected_alone_and_the_rest_is_stored(cloud, change):
    till = cloud.till()
    poisoned = till.event("sale.completed", {**sale_payload(), **change}, seq=2)
    batch = [till.event(seq=1), poisoned, till.event(seq=3)]
    r = till.push(batch)
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["stored", "rejected", "stored"]
    assert results[1]["reason"].startswith("sale.completed payload invalid at")
    assert r.json()["last_seq"] == 3


@pytest.mark.parametrize(
    "occurred_at", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "1969-12-31T23:59Z"]
)
def test_event_times_out_of_range_are_rejected(cloud, occurred_at):
    till = cloud.till()
    r = till.push([dict(till.event(seq=1), occurred_at=occurred_at), till.event(seq=2)])
    assert r.status_code == 200, r.text
    first, second = r.json()["results"]
    assert first["status"] == "rejected" and "occurred_at" in first["reason"]
    assert "1970" in first["reason"] and second["status"] == "stored"


def test_lone_surrogate_in_a_payload_is_rejected_alone(cloud):
    till = cloud.till()
    text = _batch(_event_json(till, 1, '{"note": "\\ud800"}'), _event_json(till, 2))
    r = _raw_push(till, text)
    assert r.status_code == 200, r.text
    first, second = r.json()["results"]
    assert first["status"] == "rejected" and "surrogate" in first["reason"]
    assert second["status"] == "stored"


@pytest.mark.parametrize(
    "payload, expected",
    [
        ('{"x": NaN}', "NaN is not a JSON number"),
        ('{"x": -Infinity}', "-Infinity is not a JSON number"),
        ('{"a":' * 900 + "1" + "}" * 900, "nested deeper than 64"),
        ("[" * 100_000 + "]" * 100_000, "nested deeper than 64"),
    ],
)
def test_non_json_numbers_and_deep_nesting_are_a_422(cloud, payload, expected):
    till = cloud.till()
    r = _raw_push(till, _batch(_event_json(till, 1, payload)))
    assert r.status_code == 422, r.text
    assert expected in r.json()["detail"][0]["msg"]
    assert till.client.get("/v1/terminals/me").json()["last_seq"] == 0


def test_nan_in_a_field_is_a_422_not_a_500(cloud):
    till = cloud.till()
    r = _raw_push(till, _batch(_event_json(till, 1).replace('"seq": 1', '"seq": NaN')))
    assert r.status_code == 422, r.text


@pytest.mark.parametrize("cursor", ["²", "٣", "9" * 5000, "99999999999999999999", "-1", "1e3"])
def test_odd_feed_cursors_are_a_422(cloud, cursor):
    till = cloud.till()
    r = till.client.get("/v1/feed/products", params={"after": cursor})
    assert r.status_code == 422, r.text
    assert "not one this server issued" in r.json()["detail"]


@pytest.mark.parametrize(
    "path, body",
    [
        ("customers/" + "c" * 40, {"name": "n"}),
        (f"customers/{uuid.uuid4()}", {"name": "n", "email": "e" * 300}),
        (f"customers/{uuid.uuid4()}", {"name": "n", "phone": "1" * 100}),
        (f"customers/{uuid.uuid4()}", {"name": "n" * 201}),
        ("products/A", {"name": "n", "price_minor": 2**64, "tax_code": "A"}),
        ("products/A", {"name": "n", "price_minor": 1, "tax_code": "A" * 33}),
        ("products/A", {"name": "n", "price_minor": 1, "tax_code": "A", "gtins": ["1" * 100]}),
        ("tax-rates/A", {"name": "n", "rate_bp": 2**40}),
        ("tax-rates/A", {"name": "n" * 300, "rate_bp": 1}),
    ],
)
def test_over_long_or_out_of_range_admin_fields_are_a_422(cloud, path, body):
    store = cloud.store()
    r = cloud.admin.put(f"/v1/admin/stores/{store}/{path}", json=body)
    assert r.status_code == 422, r.text


def test_over_long_store_fields_are_a_422(cloud):
    for body in ({"name": "S", "timezone": "x" * 100}, {"name": "S", "currency": "EURO" * 50}):
        r = cloud.admin.post("/v1/admin/stores", json=body)
        assert r.status_code == 422, r.text


def test_over_long_event_fields_are_rejected_per_event(cloud):
    till = cloud.till()
    long_type = dict(till.event(seq=1), type="t" * 65)
    long_hash = dict(till.event(seq=1), journal_hash="h" * 129)
    r = till.push([long_type, long_hash, till.event(seq=1)])
    assert [x["status"] for x in r.json()["results"]] == ["rejected", "rejected", "stored"]


def test_body_over_the_limit_is_a_413_by_length(cloud):
    till = cloud.till()
    body = b'{"events": [], "pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    r = till.client.post(
        "/v1/events:batch", content=body, headers={"content-type": "application/json"}
    )
    assert r.status_code == 413, r.text
    assert "larger than" in r.json()["detail"]


def test_body_over_the_limit_is_a_413_when_streamed_without_a_length(cloud):
    till = cloud.till()
    chunk = b"x" * 65536

    def chunks():
        yield b'{"events": [], "pad": "'
        for _ in range(MAX_BODY_BYTES // len(chunk) + 2):
            yield chunk
        yield b'"}'

    r = till.client.post(
        "/v1/events:batch", content=chunks(), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413, r.text
    assert "larger than" in r.json()["detail"]


def test_quarantine_keeps_each_rejected_event_once_with_its_reason(cloud):
    till = cloud.till()
    bad = dict(till.event(seq=1), seq="one")
    batch = [bad, till.event(seq=1)]
    assert [x["status"] for x in till.push(batch).json()["results"]] == ["rejected", "stored"]
    assert till.push([bad]).json()["results"][0]["status"] == "rejected"  # resent: one row
    r = cloud.admin.get(
        f"/v1/admin/stores/{till.store_id}/quarantine", params={"terminal": till.terminal_id}
    )
    assert r.status_code == 200, r.text
    rows = r.json()
    assert len(rows) == 1
    assert rows[0]["event_id"] == bad["event_id"] and rows[0]["seq"] is None
    assert "'seq'" in rows[0]["reason"]
    assert json.loads(rows[0]["body"]) == bad
    other = cloud.till()
    listed = cloud.admin.get(f"/v1/admin/stores/{other.store_id}/quarantine").json()
    assert listed == []


def test_quarantine_stores_text_the_database_cannot_hold_escaped(cloud):
    till = cloud.till()
    text = _batch(_event_json(till, 1, '{"note": "\\ud800 and \\u0000"}'))
    assert _raw_push(till, text).json()["results"][0]["status"] == "rejected"
    with connection():
        row = EventQuarantine.get(EventQuarantine.terminal_id == till.terminal_id)
    assert "\\ud800" in row.body and row.body.isascii()


def test_quarantine_keeps_at_most_the_cap_per_terminal(cloud, monkeypatch):
    from pos_cloud import quarantine

    monkeypatch.setattr(quarantine, "MAX_PER_TERMINAL", 3)
    till = cloud.till()
    bad = [dict(till.event(seq=1), seq=f"x{n}") for n in range(5)]
    assert {r["status"] for r in till.push(bad).json()["results"]} == {"rejected"}
    more = [dict(till.event(seq=1), seq=f"y{n}") for n in range(2)]
    assert {r["status"] for r in till.push(more).json()["results"]} == {"rejected"}
    listed = cloud.admin.get(f"/v1/admin/stores/{till.store_id}/quarantine").json()
    assert sorted(json.loads(row["body"])["seq"] for row in listed) == ["x0", "x1", "x2"]
