"""Loyalty points per product group (issue 18): a manager sets the rate and "Coffee=2" in Store
settings > Payments (a bad multiplier is refused with a message), then a sale of a Coffee
product to an attached customer earns double points (real key and mouse events only)."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.storage import outbox
from pos_desktop.storage.promotion_repo import category_group
from pos_desktop.ui.views.customer_dialog import CustomerDialog
from pos_desktop.ui.views.store_settings_dialog import StoreSettingsDialog
from tests.journeys.test_approvals_journey import switch_to

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier


def test_a_manager_makes_coffee_earn_double_points(journey, till):
    (pid,) = till.db.execute_sql(
        "SELECT product_id FROM barcode WHERE gtin = ?", (demo_ean13(5).zfill(14),)
    ).fetchone()
    till.db.execute_sql(  # as the cloud's products feed files it under its category
        "INSERT INTO product_group_member (group_code, product_id) VALUES (?, ?)",
        (category_group("Coffee"), pid),
    )
    till.customers.create("Cleo Park", phone="0171 555 0199")

    def steps(j):
        yield from switch_to(j, "Demo Manager", "9999")  # store settings are a manager's
        yield j.key(Qt.Key.Key_S, CTRL_SHIFT)
        settings = yield j.modal(StoreSettingsDialog)
        bar = settings.tabs.tabBar()
        tab = next(i for i in range(bar.count()) if bar.tabText(i) == "Payments")
        yield j.click_at(bar, bar.tabRect(tab).center())
        yield j.fill(settings.loyalty_points, "100")
        yield j.fill(settings.loyalty_group_rates, "Coffee=lots")
        yield j.click(j.button(settings, "Save"))
        assert "not a multiplier" in settings.message.text(), settings.message.text()
        yield j.fill(settings.loyalty_group_rates, "coffee=2, Tobacco=0")
        yield j.click(j.button(settings, "Save"))
        yield j.closed(settings)
        saved = j.db_one("SELECT value FROM checkout_setting WHERE key = 'loyalty_group_rates'")
        assert saved == "coffee=2, Tobacco=0"

        yield j.scan(demo_ean13(5))
        yield j.key(Qt.Key.Key_U, CTRL)
        dialog = yield j.modal(CustomerDialog)
        yield j.type("Cleo")
        yield j.key(Qt.Key.Key_Return)
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)
        paid = till.checkout.totals().total.amount_minor
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        earned = [
            json.loads(e.payload)["amount"]
            for e in outbox.pending(till.db)
            if e.type == "loyalty.earned"
        ]
        assert earned == [2 * paid]  # 100 points per 1.00 paid, doubled

    journey.run(steps)
