"""Bonus-points promotions at a till (issue 18): the cloud's promotion JSON through the
``promotions`` feed, a sale to an attached customer earning the bonus, refunds taking back
exactly what it earned."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import floor

import pytest

from pos_desktop.domain.money import Money
from pos_desktop.domain.promotions import BonusPoints
from pos_desktop.domain.refund import ReturnItem
from pos_desktop.domain.staff import Action
from pos_desktop.services.demo_data import write_demo_weighed
from pos_desktop.services.store_admin import set_values
from pos_desktop.storage import promotion_repo
from pos_desktop.storage.loyalty_repo import sale_earning
from tests.approvals import approval
from tests.integration.test_loyalty_group_rates import events, in_category


def product_id(till, sku: str) -> str:
    return till.db.execute_sql("SELECT id FROM product WHERE sku = ?", (sku,)).fetchone()[0]


def feed_item(pid: str, params: dict, *, products=(), category=None, starts=None, ends=None):
    """A ``promotions`` feed item as the cloud sends it (tests/cloud checks the cloud's side)."""
    return {
        "op": "upsert",
        "id": pid,
        "data": {
            "name": pid,
            "kind": "BonusPoints",
            "params": params,
            "product_ids": list(products),
            "category": category,
            "starts_at": starts,
            "ends_at": ends,
            "active": True,
        },
    }


@pytest.fixture
def shop(till):
    set_values(till.db, {"loyalty_points": "10", "loyalty_group_rates": "Coffee=2, Tobacco=0"})
    till.reload_checkout_settings()
    in_category(till, "SKU0000001", "Coffee")
    in_category(till, "SKU0000002", "Tobacco")
    now = till.clock.now()
    items = [  # the till's clock is at 2026-11-26 09:30 UTC
        feed_item(
            "double-coffee",
            {"multiplier": "2", "extra_points": 0},
            category="Coffee",
            starts="2026-11-20T00:00:00+00:00",
            ends="2026-11-27T00:00:00+00:00",
        ),
        feed_item(
            "pack-50",
            {"multiplier": "1", "extra_points": 50},
            products=[product_id(till, "SKU0000003"), product_id(till, "SKU0000002")],
        ),  # fmt: skip
        feed_item(
            "over",
            {"multiplier": "10", "extra_points": 1000},
            products=[product_id(till, "SKU0000004")],
            ends="2026-11-25T00:00:00+00:00",
        ),
    ]
    assert promotion_repo.apply_feed(till.db, items, now) == 3
    till.checkout.promotions.invalidate()
    customer = till.customers.create("Cleo Park", phone="0171 555 0199")
    return till, customer


def sell(till, customer, skus, *, attach=True):
    for sku in skus:
        assert till.checkout.scan(sku).ok
    if attach:
        till.customers.attach(customer.customer_id)
    total = till.checkout.totals().total.amount_minor
    return till.checkout.pay_cash(Money(total, "EUR"))


def test_the_fed_bonus_promotions_reach_the_till_and_change_no_price(shop):
    till, _ = shop
    loaded = {p.promotion_id: p for p in till.checkout.promotions.promotions()}
    assert isinstance(loaded["double-coffee"], BonusPoints)
    assert loaded["double-coffee"].multiplier == 2
    assert loaded["pack-50"].extra_points == 50
    assert till.checkout.scan("SKU0000001").ok
    priced = till.checkout.price()
    assert priced.savings_minor == 0 and priced.promotions == ()


def test_a_sale_earns_the_bonus_and_refunds_take_it_back_exactly(shop):
    till, customer = shop
    sale = sell(till, customer, ["SKU0000001", "SKU0000001", "SKU0000003", "SKU0000004"])
    coffee, pack, plain = sale.lines
    assert coffee.quantity == 2 and sale.savings_minor == 0
    # Coffee: group x2 times bonus x2; the pack: +50 points a piece; the ended one: nothing
    weighted = Fraction(coffee.amount_minor) * 4 + pack.amount_minor + plain.amount_minor
    earned = floor(weighted * 10 / 100) + 50
    assert events(till, "loyalty.earned") == [earned]
    kept = sale_earning(till.db, sale.sale_id)
    assert kept.multipliers == {coffee.line_id: Decimal(4)} and kept.extras == {pack.line_id: 50}
    assert till.printing.points_earned(sale.sale_id) == earned  # the receipt prints it

    # the owner ends the promotions after the sale: the refunds use what the sale earned at
    till.db.execute_sql("UPDATE promotion SET active = 0")
    first = till.returns.refund(
        sale,
        [ReturnItem(coffee.line_id, Decimal(1)), ReturnItem(pack.line_id, Decimal(1))],
        approval=approval(till.auth, Action.REFUND, sale.sale_id),
    )
    back = {r.line_id: r.gross_minor for r in first.refund.lines}
    (taken,) = events(till, "loyalty.taken_back")
    assert taken == floor((back[coffee.line_id] * 4 + back[pack.line_id]) * Fraction(10, 100) + 50)
    assert taken < earned
    rest = [ReturnItem(coffee.line_id, Decimal(1)), ReturnItem(plain.line_id, Decimal(1))]
    assert till.returns.refund(
        sale, rest, approval=approval(till.auth, Action.REFUND, sale.sale_id)
    ).refund.completes_sale
    assert sum(events(till, "loyalty.taken_back")) == earned


def test_no_bonus_without_a_customer_with_loyalty_off_or_on_a_group_at_x0(shop):
    till, customer = shop
    sell(till, customer, ["SKU0000003"], attach=False)
    assert events(till, "loyalty.earned") == []
    sale = sell(till, customer, ["SKU0000002"])  # Tobacco=0: no points, no extras
    assert events(till, "loyalty.earned") == []
    assert till.printing.points_earned(sale.sale_id) is None
    set_values(till.db, {"loyalty_points": "0"})
    till.reload_checkout_settings()
    sell(till, customer, ["SKU0000003"])
    assert events(till, "loyalty.earned") == []


def test_a_weighed_line_gets_the_multiplier_but_no_extra(shop):
    till, customer = shop
    write_demo_weighed(till.db)
    (pid, sku) = till.db.execute_sql(
        "SELECT id, sku FROM product WHERE sold_by_weight = 1 LIMIT 1"
    ).fetchone()
    promotion_repo.apply_feed(
        till.db,
        [feed_item("weighed", {"multiplier": "3", "extra_points": 99}, products=[pid])],
        till.clock.now(),
    )
    till.checkout.promotions.invalidate()
    till.checkout.add_weighed(till.catalog.find_by_sku(sku), Decimal("0.500"))
    sale = sell(till, customer, [])
    (weighed,) = sale.lines
    assert events(till, "loyalty.earned") == [floor(Fraction(weighed.amount_minor) * 3 / 10)]
    assert sale_earning(till.db, sale.sale_id).extras == {}


def test_the_cart_shows_what_the_sale_will_earn(shop):
    till, customer = shop
    for sku in ["SKU0000001", "SKU0000003"]:
        assert till.checkout.scan(sku).ok
    assert till.loyalty.cart_points(till.checkout.price()) is None  # no customer yet
    till.customers.attach(customer.customer_id)
    shown = till.loyalty.cart_points(till.checkout.price())
    sale = till.checkout.pay_cash(Money(till.checkout.totals().total.amount_minor, "EUR"))
    assert events(till, "loyalty.earned") == [shown]
    assert shown == till.printing.points_earned(sale.sale_id) > 50
