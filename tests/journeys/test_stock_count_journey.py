"""A manager counts a shelf at the till while the till keeps selling; the count is posted."""

import json

from PySide6.QtCore import Qt

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.login_dialog import LoginDialog
from pos_desktop.ui.views.stock_count_dialog import StockCountDialog

COUNT_KEY = (Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def test_a_cashier_cannot_count(journey):
    def steps(j):
        yield j.key(*COUNT_KEY)
        assert "for a manager" in j.message()

    journey.run(steps)


def test_count_with_a_sale_during_the_count_and_post(journey, till):
    till.db.execute_sql(
        "INSERT INTO stock_level (sku, quantity, updated_at) VALUES ('SKU0000001', '10', "
        "'2026-11-26T09:00:00Z')"
    )

    def steps(j):
        yield j.key(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        login = yield j.modal(LoginDialog)
        yield j.choose(login.names, "Demo Manager")
        yield j.pin(login, "9999")
        yield j.closed(login)
        yield j.key(*COUNT_KEY)  # the count starts...
        count = yield j.modal(StockCountDialog)
        yield j.click(j.button(count, "Close"))  # ...and the shop gets busy
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F5)  # one milk sold after the count started
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        yield j.key(*COUNT_KEY)
        count = yield j.modal(StockCountDialog)
        yield j.scan(demo_ean13(1))
        yield j.scan(demo_ean13(1))
        yield j.scan(demo_ean13(3))  # oat drink: the cloud has no figure for it
        table = count.table
        assert [table.item(0, c).text() for c in range(4)] == ["Whole milk 1L", "10", "2", "-8"]
        assert [table.item(1, c).text() for c in range(4)] == ["Oat drink 1L", "-", "1", "-"]
        yield j.key(Qt.Key.Key_Up)  # back to the milk row
        yield j.type("10")
        yield j.key(Qt.Key.Key_Return)
        assert table.item(0, 3).text() == "0"
        yield j.click(j.button(count, "Post count"))
        yield j.closed(count)
        assert "Count posted: 2 products" in j.message()

    journey.run(steps)
    payload = json.loads(till.db.execute_sql(
        "SELECT payload FROM outbox WHERE type = 'stock.counted'").fetchone()[0])  # fmt: skip
    assert payload["posted_by"] == "Demo Manager"
    assert payload["lines"][0] == {"sku": "SKU0000001", "expected": "10", "counted": "10"}
