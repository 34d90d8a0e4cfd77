"""Receiving goods at the till: scan, quantities and unit costs, partial deliveries, posting."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.staff import Action
from pos_desktop.services.demo_data import demo_ean13
from tests.approvals import approval


def test_scan_set_costs_and_post_one_event(till):
    service = till.goods_receipts
    receipt = service.start(
        "Manager", "Dairy Ltd", "DN-1042", approval=approval(till.auth, Action.RECEIVE_GOODS)
    )
    for _ in range(3):
        service.scan(receipt, demo_ean13(1))
    line = service.set_line(receipt, "SKU0000001", "24", unit_cost="0.85")
    assert (line.quantity, line.unit_cost_minor) == (Decimal(24), 85)
    assert service.set_line(receipt, "SKU0000001", "30").unit_cost_minor == 85  # cost kept
    service.scan(receipt, demo_ean13(2))
    service.post(receipt)
    payload = json.loads(
        till.db.execute_sql("SELECT payload FROM outbox WHERE type = 'goods.received'").fetchone()[
            0
        ]
    )
    assert payload["supplier"] == "Dairy Ltd" and payload["delivery_note"] == "DN-1042"
    assert payload["lines"] == [
        {"sku": "SKU0000001", "quantity": "30", "unit_cost_minor": 85},
        {"sku": "SKU0000002", "quantity": "1", "unit_cost_minor": None},
    ]
    with pytest.raises(DomainError, match="posted already"):
        service.scan(receipt, demo_ean13(1))


def test_a_delivery_in_two_parts_is_two_receipts_with_the_same_note(till):
    service = till.goods_receipts
    for quantity in ("10", "14"):
        receipt = service.start(
            "Manager", "Dairy Ltd", "DN-7", approval=approval(till.auth, Action.RECEIVE_GOODS)
        )
        service.scan(receipt, demo_ean13(1))
        service.set_line(receipt, "SKU0000001", quantity)
        service.post(receipt)
    rows = till.db.execute_sql("SELECT payload FROM outbox WHERE type = 'goods.received'")
    parts = [json.loads(r[0]) for r in rows.fetchall()]
    assert [p["delivery_note"] for p in parts] == ["DN-7", "DN-7"]
    assert sum(Decimal(p["lines"][0]["quantity"]) for p in parts) == 24


def test_bad_input_is_refused_and_nothing_is_posted(till):
    service = till.goods_receipts
    receipt = service.start("Manager", approval=approval(till.auth, Action.RECEIVE_GOODS))
    with pytest.raises(DomainError, match="Nothing has been received"):
        service.post(receipt)
    service.scan(receipt, demo_ean13(1))
    with pytest.raises(DomainError, match="not a quantity"):
        service.set_line(receipt, "SKU0000001", "a dozen")
    with pytest.raises(ValueError):
        service.set_line(receipt, "SKU0000001", "12", unit_cost="cheap")
    posted = "SELECT count(*) FROM outbox WHERE type = 'goods.received'"
    assert till.db.execute_sql(posted).fetchone()[0] == 0
