"""A cashier types an absurd cash amount: the till answers at once and stays usable."""

import time

from PySide6.QtCore import Qt

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.pay_cash_dialog import PayCashDialog


def test_1e999997_as_cash_is_refused_at_once_then_real_cash_pays(journey):
    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F12)
        dialog = yield j.modal(PayCashDialog)
        started = time.perf_counter()
        yield j.type("1e999997")
        yield j.key(Qt.Key.Key_Return)
        yield j.until(lambda: "not an amount" in dialog.message.text(), what="refused")
        assert time.perf_counter() - started < 5  # it froze the till for 46 s
        assert j.db_one("SELECT count(*) FROM sale") == 0
        yield j.type("1e999998")  # raised decimal.Overflow before
        yield j.key(Qt.Key.Key_Return)
        yield j.until(lambda: "not an amount" in dialog.message.text(), what="refused again")
        yield j.type("20")
        yield j.key(Qt.Key.Key_Return)
        yield j.closed(dialog)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")

    journey.run(steps)
