"""Loyalty tiers at the till against a real cloud on loopback (issue 18): with the store's
``loyalty_tiers`` set, a customer whose points earned in the last 365 days reach Gold shows
"Gold" on the status-bar chip when attached (Ctrl+U; the cloud's answer comes on the window's
worker thread) and the sale earns x1.5 in the cloud. Before she reached it: no tier. A manager
sets the tiers in Store settings > Payments (a bad one is refused with a message)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.services.store_admin import set_values
from pos_desktop.ui.views.store_settings_dialog import StoreSettingsDialog
from tests.journeys.test_approvals_journey import switch_to
from tests.journeys.test_gift_card_journey import (  # noqa: F401 (fixtures)
    attach_cleo,
    cloud_balance,
    enrolled,
    journey_cloud,
    push,
)

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_a_gold_customer_sees_her_tier_and_earns_half_again(enrolled, journey, till):  # noqa: F811
    set_values(till.db, {"loyalty_points": "100", "loyalty_tiers": "Silver=50:1.25, Gold=100:1.5"})
    till.reload_checkout_settings()
    customer = till.customers.create("Cleo Park", phone="0171 555 0199")
    points = f"/v1/customers/{customer.customer_id}/points"

    def steps(j):
        yield j.scan(demo_ean13(5))
        yield from attach_cleo(j)
        yield j.until(  # the cloud answered: nothing earned yet, so no tier
            lambda: "Cleo Park · 0 points" in j.window.customer_chip.text(),
            what="no tier on the chip",
        )
        first = till.checkout.totals().total.amount_minor
        assert first >= 100  # 100 points per 1.00: enough for Gold
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        push(till)
        assert cloud_balance(till, points) == first  # earned at x1, before the tier

        yield j.scan(demo_ean13(6))
        yield from attach_cleo(j)
        yield j.until(
            lambda: f"Cleo Park · Gold · {first} points" in j.window.customer_chip.text(),
            what="Gold on the chip",
        )
        second = till.checkout.totals().total.amount_minor
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 2, what="sale saved")
        push(till)
        assert cloud_balance(till, points) == first + second * 3 // 2  # x1.5

    journey.run(steps, timeout_s=60)


def test_a_manager_sets_the_tiers_in_store_settings(journey, till):
    def steps(j):
        yield from switch_to(j, "Demo Manager", "9999")  # store settings are a manager's
        yield j.key(Qt.Key.Key_S, CTRL_SHIFT)
        settings = yield j.modal(StoreSettingsDialog)
        bar = settings.tabs.tabBar()
        tab = next(i for i in range(bar.count()) if bar.tabText(i) == "Payments")
        yield j.click_at(bar, bar.tabRect(tab).center())
        yield j.fill(settings.loyalty_tiers, "Gold=2000:0.5")
        yield j.click(j.button(settings, "Save"))
        assert "not a tier multiplier" in settings.message.text(), settings.message.text()
        yield j.fill(settings.loyalty_tiers, "Gold=2000:1.5, Silver=500:1.25")
        yield j.click(j.button(settings, "Save"))
        yield j.closed(settings)
        saved = j.db_one("SELECT value FROM checkout_setting WHERE key = 'loyalty_tiers'")
        assert saved == "Silver=500:1.25, Gold=2000:1.5"

    journey.run(steps)
