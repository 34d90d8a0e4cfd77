"""Bonus-points promotions at the till (issue 18): the owner's "double points" promotion on a
product reached the till through the feed; the cashier scans it, attaches the customer and
takes cash; the customer earns double points, on the outbox event and the printed receipt
(real key events only)."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.services.store_admin import set_values
from pos_desktop.storage import outbox, promotion_repo
from pos_desktop.ui.views.customer_dialog import CustomerDialog
from tests.conftest import paper_jobs
from tests.journeys.test_money_points_journeys import receipt_text

CTRL = Qt.KeyboardModifier.ControlModifier


def test_a_double_points_promotion_doubles_what_the_customer_earns(journey, till, sim_printer):
    (pid,) = till.db.execute_sql(
        "SELECT product_id FROM barcode WHERE gtin = ?", (demo_ean13(5).zfill(14),)
    ).fetchone()
    set_values(till.db, {"loyalty_points": "100"})  # 100 points per 1.00 paid
    till.reload_checkout_settings()
    item = {  # as the cloud's promotions feed sends the owner's promotion
        "op": "upsert",
        "id": "double",
        "data": {
            "name": "Double points",
            "kind": "BonusPoints",
            "params": {"multiplier": "2", "extra_points": 0},
            "product_ids": [pid],
            "category": None,
            "starts_at": "2026-11-01T00:00:00+00:00",
            "ends_at": None,
            "active": True,
        },
    }
    promotion_repo.apply_feed(till.db, [item], till.clock.now())
    till.checkout.promotions.invalidate()
    till.customers.create("Cleo Park", phone="0171 555 0199")

    def steps(j):
        yield j.scan(demo_ean13(5))
        yield j.key(Qt.Key.Key_U, CTRL)
        dialog = yield j.modal(CustomerDialog)
        yield j.type("Cleo")
        yield j.key(Qt.Key.Key_Return)
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)
        priced = till.checkout.price()
        assert priced.savings_minor == 0  # the price is the shelf price
        paid = priced.total_minor
        shown = j.view.points_label.text()
        assert shown == f"Earns {2 * paid} points", shown  # the cashier sees it before paying
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        earned = [
            json.loads(e.payload)["amount"]
            for e in outbox.pending(till.db)
            if e.type == "loyalty.earned"
        ]
        assert earned == [2 * paid]
        yield j.until(lambda: paper_jobs(sim_printer), what="receipt printed")
        text = receipt_text(sim_printer)
        (line,) = [ln for ln in text.splitlines() if "Points earned" in ln]
        assert line.split()[-1] == str(2 * paid), text

    journey.run(steps)
