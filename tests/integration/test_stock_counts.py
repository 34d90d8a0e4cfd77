"""Stock counts: expected as of the count's start, variance, posting queues one event."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pos_desktop.domain.cart import Cart
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.domain.payment import Payment
from pos_desktop.domain.sale import sale_from_cart
from pos_desktop.domain.staff import Action
from pos_desktop.services.demo_data import demo_ean13
from tests.approvals import approval


def sell_milk(till, at: datetime) -> None:
    cart = Cart("EUR", prices_include_tax=True)
    item = till.catalog.find_by_gtin(demo_ean13(1).zfill(14))
    cart.add(item, 1)
    total = Money(item.unit_price_minor, "EUR")
    sale = sale_from_cart(
        cart, (Payment("cash", total, total, Money(0, "EUR")),),
        terminal_id=till.settings.terminal_id, completed_at=at,
    )  # fmt: skip
    till.sales.save_completed(sale)


def test_a_sale_during_the_count_is_not_a_shortage(till):
    counts = till.stock_counts
    till.db.execute_sql(
        "INSERT INTO stock_level (sku, quantity, updated_at) VALUES ('SKU0000001', '10', "
        "'2026-11-26T09:00:00Z')"
    )
    count_id = counts.start("Manager", approval=approval(till.auth, Action.STOCK_COUNT))
    sell_milk(till, datetime(2026, 11, 27, 10, tzinfo=UTC))  # after the start
    line = counts.scan(count_id, demo_ean13(1))
    assert (line.expected, line.counted, line.variance) == (Decimal(10), 1, Decimal(-9))
    assert counts.set_counted(count_id, "SKU0000001", "10").variance == 0
    assert (
        counts.start("Someone else", approval=approval(till.auth, Action.STOCK_COUNT)) == count_id
    )  # one open count per till


def test_bad_quantities_and_codes_are_refused(till):
    counts = till.stock_counts
    count_id = counts.start("Manager", approval=approval(till.auth, Action.STOCK_COUNT))
    with pytest.raises(DomainError, match="not a quantity"):
        counts.set_counted(count_id, "SKU0000001", "lots")
    with pytest.raises(DomainError, match="not a quantity"):
        counts.set_counted(count_id, "SKU0000001", "-1")
    with pytest.raises(DomainError):
        counts.scan(count_id, "4006381333931")
    with pytest.raises(DomainError, match="Nothing has been counted"):
        counts.post(count_id, "Manager")


def test_posting_closes_the_count_and_queues_one_event(till):
    counts = till.stock_counts
    count_id = counts.start("Manager", approval=approval(till.auth, Action.STOCK_COUNT))
    counts.scan(count_id, demo_ean13(3))
    counts.post(count_id, "Manager")
    with pytest.raises(DomainError, match="closed"):
        counts.post(count_id, "Manager")
    with pytest.raises(DomainError, match="closed"):
        counts.set_counted(count_id, "SKU0000003", "2")
    rows = till.db.execute_sql("SELECT payload FROM outbox WHERE type = 'stock.counted'")
    payloads = [json.loads(r[0]) for r in rows.fetchall()]
    assert len(payloads) == 1 and payloads[0]["lines"] == [
        {"sku": "SKU0000003", "expected": None, "counted": "1"}
    ]
    assert counts.open_count() is None
