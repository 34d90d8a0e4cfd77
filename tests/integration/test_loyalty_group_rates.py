"""Loyalty earn rules per product group at a till: a Coffee line earns double, Tobacco
nothing, the rest the base rate; refunds take back exactly what the sale earned."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from math import floor

import pytest

from pos_desktop.domain.discounts import Discount
from pos_desktop.domain.money import Money
from pos_desktop.domain.refund import ReturnItem
from pos_desktop.domain.staff import Action
from pos_desktop.services.store_admin import set_values
from pos_desktop.storage import outbox
from pos_desktop.storage.promotion_repo import category_group
from tests.approvals import approval


def events(till, type_: str) -> list[int]:
    return [json.loads(e.payload)["amount"] for e in outbox.pending(till.db) if e.type == type_]


def in_category(till, sku: str, category: str) -> None:
    """As the cloud's products feed files a product under its category."""
    (pid,) = till.db.execute_sql("SELECT id FROM product WHERE sku = ?", (sku,)).fetchone()
    till.db.execute_sql(
        "INSERT INTO product_group_member (group_code, product_id) VALUES (?, ?)",
        (category_group(category), pid),
    )


@pytest.fixture
def shop(till):
    set_values(till.db, {"loyalty_points": "10", "loyalty_group_rates": "Coffee=2, Tobacco=0"})
    till.reload_checkout_settings()
    in_category(till, "SKU0000001", "Coffee")
    in_category(till, "SKU0000002", "Tobacco")
    customer = till.customers.create("Cleo Park", phone="0171 555 0199")
    return till, customer


def sell(till, customer, skus):
    for sku in skus:
        assert till.checkout.scan(sku).ok
    till.customers.attach(customer.customer_id)
    total = till.checkout.totals().total.amount_minor
    return till.checkout.pay_cash(Money(total, "EUR"))


def expected(sale, multipliers) -> int:
    weighted = sum(
        Fraction(ln.amount_minor) * Fraction(m)
        for ln, m in zip(sale.lines, multipliers, strict=True)
    )
    return floor(weighted * 10 / 100)


def test_coffee_earns_double_tobacco_nothing_others_the_base_rate(shop):
    till, customer = shop
    sale = sell(till, customer, ["SKU0000001", "SKU0000002", "SKU0000003"])
    earned = expected(sale, [2, 0, 1])
    assert earned > 0
    assert events(till, "loyalty.earned") == [earned]
    assert till.loyalty.balance(customer.customer_id).pending == earned


def test_partial_then_whole_refunds_take_back_exactly_what_was_earned(shop):
    till, customer = shop
    sale = sell(till, customer, ["SKU0000001", "SKU0000001", "SKU0000003"])
    # the owner changes the rules after the sale: the refunds still use the sale's rates
    set_values(till.db, {"loyalty_points": "1", "loyalty_group_rates": "Coffee=5"})
    till.reload_checkout_settings()
    (earned,) = events(till, "loyalty.earned")
    first = till.returns.refund(
        sale,
        [ReturnItem(sale.lines[0].line_id, Decimal(1))],
        approval=approval(till.auth, Action.REFUND, sale.sale_id),
    )
    (taken_first,) = events(till, "loyalty.taken_back")
    assert sale.prices_include_tax and len(sale.lines) == 2  # one Coffee line of 2
    assert taken_first == first.refund.lines[0].gross_minor * 2 * 10 // 100  # x2, 10 per 1.00
    rest = [ReturnItem(sale.lines[0].line_id, Decimal(1))]
    rest += [ReturnItem(ln.line_id, ln.quantity) for ln in sale.lines[1:]]
    assert till.returns.refund(
        sale, rest, approval=approval(till.auth, Action.REFUND, sale.sale_id)
    ).refund.completes_sale
    assert sum(events(till, "loyalty.taken_back")) == earned


def test_a_whole_refund_at_once_takes_back_what_a_discounted_sale_earned(shop):
    till, customer = shop
    for sku in ["SKU0000001", "SKU0000004"]:
        assert till.checkout.scan(sku).ok
    till.customers.attach(customer.customer_id)
    till.checkout.set_order_discount(Discount(percent=Decimal(7)))  # under the 10 % limit
    total = till.checkout.totals().total.amount_minor
    sale = till.checkout.pay_cash(Money(total, "EUR"))
    assert sale.savings_minor > 0  # points are earned on what was paid, after the discount
    (earned,) = events(till, "loyalty.earned")
    assert earned == expected(sale, [2, 1])
    items = [ReturnItem(ln.line_id, ln.quantity) for ln in sale.lines]
    till.returns.refund(sale, items, approval=approval(till.auth, Action.REFUND, sale.sale_id))
    assert events(till, "loyalty.taken_back") == [earned]
