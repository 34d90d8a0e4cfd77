"""Loyalty tiers at a till: a Gold customer (enough points earned in 365 days, as the cloud
answered when they were attached) earns x1.5 on top of the group rates; the sale keeps the
tier's multiplier per line, so refunds take back exactly what it earned even after the tiers
change; without the cloud's answer (offline) no tier bonus."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pos_desktop.domain.refund import ReturnItem
from pos_desktop.domain.staff import Action
from pos_desktop.services.store_admin import set_values
from pos_desktop.storage.loyalty_repo import sale_earning
from tests.approvals import approval
from tests.integration.test_loyalty_group_rates import events, expected, in_category, sell


@pytest.fixture
def shop(till):
    set_values(
        till.db,
        {
            "loyalty_points": "10",
            "loyalty_group_rates": "Coffee=2",
            "loyalty_tiers": "Silver=500:1.25, Gold=2000:1.5",
        },
    )
    till.reload_checkout_settings()
    in_category(till, "SKU0000001", "Coffee")
    customer = till.customers.create("Cleo Park", phone="0171 555 0199")
    return till, customer


def test_the_tier_setting_is_kept_and_read_back(shop):
    till, _ = shop
    tiers = till.checkout.checkout_settings.loyalty_tiers
    assert tiers == (("Silver", 500, Decimal("1.25")), ("Gold", 2000, Decimal("1.5")))


def test_a_gold_customer_earns_half_again_and_refunds_take_back_exactly(shop):
    till, customer = shop
    till.loyalty.remember_earned(customer.customer_id, 2400)  # the cloud's earned_365d
    assert till.loyalty.tier(customer.customer_id) == ("Gold", Decimal("1.5"))
    sale = sell(till, customer, ["SKU0000001", "SKU0000001", "SKU0000003"])
    (earned,) = events(till, "loyalty.earned")
    assert len(sale.lines) == 2 and earned == expected(sale, [3, Decimal("1.5")]) > 0
    kept = sale_earning(till.db, sale.sale_id)
    assert kept is not None and set(kept.multipliers.values()) == {Decimal(3), Decimal("1.5")}
    # the owner drops the tiers after the sale: the refunds still use the sale's multipliers
    set_values(till.db, {"loyalty_tiers": ""})
    till.reload_checkout_settings()
    first = till.returns.refund(
        sale,
        [ReturnItem(sale.lines[0].line_id, Decimal(1))],
        approval=approval(till.auth, Action.REFUND, sale.sale_id),
    )
    (taken_first,) = events(till, "loyalty.taken_back")
    assert taken_first == first.refund.lines[0].gross_minor * 3 * 10 // 100  # x2 x1.5
    rest = [ReturnItem(sale.lines[0].line_id, Decimal(1))]
    rest += [ReturnItem(ln.line_id, ln.quantity) for ln in sale.lines[1:]]
    assert till.returns.refund(
        sale, rest, approval=approval(till.auth, Action.REFUND, sale.sale_id)
    ).refund.completes_sale
    assert sum(events(till, "loyalty.taken_back")) == earned


def test_below_the_lowest_tier_or_offline_no_tier_bonus(shop):
    till, customer = shop
    till.loyalty.remember_earned(customer.customer_id, 499)
    assert till.loyalty.tier(customer.customer_id) is None
    till.loyalty.remember_earned(customer.customer_id, 600)
    till.loyalty.remember_earned(customer.customer_id, None)  # the cloud is away now
    assert till.loyalty.tier(customer.customer_id) is None
    sale = sell(till, customer, ["SKU0000003"])
    assert events(till, "loyalty.earned") == [expected(sale, [1])]
