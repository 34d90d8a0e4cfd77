"""The checkout engine on the real screen: promotions, discounts, split tender with the card
last, returns by scanning the receipt barcode, park and recall across a restart."""

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from hardware.escpos_parse import parse_escpos
from pos_desktop.config import PrinterConfig, TillConfig
from pos_desktop.container import Overrides, build_container
from pos_desktop.domain.money import Money
from pos_desktop.services.demo_data import demo_ean13, write_demo_catalog
from pos_desktop.services.pricing_service import seed_demo_promotions
from pos_desktop.services.receipts import receipt_code
from pos_desktop.ui.qt_app import build_window
from pos_desktop.ui.views import engine_actions
from tests.approvals import approver
from tests.conftest import FixedClock, open_test_shift
from tests.waits import EVENTUALLY_MS


def stop_polling(window) -> None:
    """The window polls the printer; stop it before its container closes (and let the poll
    queued at start-up run while the container is still open)."""
    QApplication.processEvents()
    timer = getattr(window, "status_timer", None)
    if timer is not None:
        timer.stop()


def printed_text(sim_printer) -> str:
    return parse_escpos(b"".join(sim_printer.jobs)).text


@pytest.fixture
def view(till_window, till):
    seed_demo_promotions(till.db, now=till.clock.now())
    till.checkout.promotions.invalidate()  # the screen priced the empty cart a moment ago
    till.checkout.checkout_settings = type(till.checkout.checkout_settings)(cash_increment_minor=5)
    window, _wedge, _bridge = till_window
    # No users on this till: a manager's token stands in for the PIN dialog.
    window.checkout_view.approver = approver(till.auth)
    yield window.checkout_view
    stop_polling(window)  # before the till closes under it


def test_promotion_on_screen_and_receipt(qtbot, view, till, sim_printer):
    view.add_code(demo_ean13(1))
    view.add_code(demo_ean13(1))
    assert "Milk 2 for 2.00" in view.model.data(view.model.index(0, 0))
    assert view.model.data(view.model.index(0, 3)) == "2.00"
    assert "You save" in view.savings_label.text()
    qtbot.keyClick(view, Qt.Key.Key_F5)  # exact cash
    qtbot.waitUntil(lambda: till.sales.count() == 1, timeout=3000)
    qtbot.waitUntil(lambda: "TOTAL" in printed_text(sim_printer), timeout=EVENTUALLY_MS)
    text = printed_text(sim_printer)
    assert "Milk 2 for 2.00" in text and "You saved" in text


def test_discount_needs_approval_above_the_limit(qtbot, view, till):
    view.add_code(demo_ean13(40))
    asked = []

    class Typed(engine_actions.DiscountDialog):
        value_text = "50"

        def exec(self):
            self.value.setText(self.value_text)
            self.on_apply_clicked()
            return self.result()

    view.dialogs = replace(view.dialogs, discount=Typed)
    view.approver = approver(till.auth, asked, grant=lambda action: False)
    qtbot.keyClick(view, Qt.Key.Key_F10)
    assert asked == ["discount_over_limit"] and "not approved" in view.message.text()
    assert till.checkout.price().savings_minor == 0
    view.approver = approver(till.auth)
    qtbot.keyClick(view, Qt.Key.Key_F10)
    assert till.checkout.price().savings_minor > 0
    assert "Discount" in view.model.data(view.model.index(0, 0))


def test_void_line_and_cancel_ask_the_approver(qtbot, view, till, monkeypatch):
    view.add_code(demo_ean13(1))
    view.approver = approver(till.auth, grant=lambda action: action != "void_line")
    qtbot.keyClick(view, Qt.Key.Key_F3)
    assert view.model.rowCount() == 1 and "not approved" in view.message.text()
    from pos_desktop.ui.views import checkout_view

    monkeypatch.setattr(
        checkout_view.QMessageBox, "question",
        lambda *a, **k: checkout_view.QMessageBox.StandardButton.Yes,
    )  # fmt: skip
    asked = []
    view.approver = approver(till.auth, asked, grant=lambda action: False)
    qtbot.keyClick(view, Qt.Key.Key_F4)
    assert asked == ["cancel_sale"] and view.model.rowCount() == 1


def test_return_by_scanning_the_receipt_barcode(qtbot, view, till, sim_printer):
    view.add_code(demo_ean13(1))
    view.add_code(demo_ean13(2))
    sale = view.complete_cash(Money(1000, "EUR"))
    qtbot.waitUntil(lambda: "TOTAL" in printed_text(sim_printer), timeout=EVENTUALLY_MS)
    refunds = []
    view.refund_completed.connect(refunds.append)

    class ScanAndRefund(engine_actions.ReturnsDialog):
        def exec(self):
            # (the main window routes scans to the open dialog: tests/journeys covers that)
            self.on_scanner_scanned(receipt_code("T01", sale.receipt_number))
            assert self.sale is not None and self.table.rowCount() == 2
            self.set_return_quantity(0, 1)
            assert "Refund" in self.plan_label.text()
            self.on_refund_clicked()
            return self.result()

    view.dialogs = replace(view.dialogs, returns=ScanAndRefund)
    qtbot.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert len(refunds) == 1 and refunds[0].receipt_number == 2
    assert view.checkout.cart.is_empty  # the scan did not ring anything up
    qtbot.waitUntil(lambda: "REFUND" in printed_text(sim_printer), timeout=EVENTUALLY_MS)
    slip = parse_escpos(next(j for j in sim_printer.jobs if b"REFUND" in j))
    assert "REFUND" in slip.text and "Whole milk 1L" in slip.text
    assert any(type(e).__name__ == "DrawerPulse" for e in slip.events)  # cash back: drawer


def test_park_and_recall_across_a_restart(qtbot, qapp, tmp_path, sim_printer, monkeypatch):
    config = TillConfig(data_dir=tmp_path, printer=PrinterConfig(uri=sim_printer.uri), demo=True)
    till = build_container(config, overrides=Overrides(clock=FixedClock()))
    write_demo_catalog(till.db, 20)
    open_test_shift(till)
    win, wedge, _ = build_window(till, config, qapp)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitExposed(win)
    view = win.checkout_view
    view.add_code(demo_ean13(1))
    view.add_code(demo_ean13(5))
    total = till.checkout.price().total_minor
    monkeypatch.setattr(engine_actions.QInputDialog, "getText", lambda *a, **k: ("Mrs Smith", True))
    qtbot.mouseClick(view.buttons["park"], Qt.MouseButton.LeftButton)  # the touch button
    assert view.model.rowCount() == 0
    assert "Mrs Smith" in view.message.text()
    qapp.removeEventFilter(wedge)
    stop_polling(win)
    win.close()
    till.close()

    again = build_container(config, overrides=Overrides(clock=FixedClock()))
    win2, wedge2, _ = build_window(again, config, qapp)
    qtbot.addWidget(win2)
    win2.show()
    win2.activateWindow()
    qtbot.waitExposed(win2)

    class PickFirst(engine_actions.ParkedSalesDialog):
        def exec(self):
            assert self.list.count() == 1 and "Mrs Smith" in self.list.item(0).text()
            self.on_recall_clicked()
            return self.result()

    win2.checkout_view.dialogs = replace(win2.checkout_view.dialogs, parked_sales=PickFirst)
    qtbot.mouseClick(win2.checkout_view.buttons["park"], Qt.MouseButton.LeftButton)
    assert win2.checkout_view.model.rowCount() == 2
    assert again.checkout.price().total_minor == total
    qapp.removeEventFilter(wedge2)
    stop_polling(win2)
    win2.close()
    again.close()


def test_exchange_for_dearer_items_takes_the_difference(qtbot, view, till):
    view.add_code(demo_ean13(2))  # bought: 1.19
    sale = view.complete_cash(Money(500, "EUR"))
    view.add_code(demo_ean13(45))  # the new, dearer item
    new_total = till.checkout.price().total_minor
    refunds = []
    view.refund_completed.connect(refunds.append)

    class PayDifference(engine_actions.TenderDialog):
        def exec(self):
            # the whole sale comes back, so its cash rounding too: 1.19 + 0.01
            assert self.split.total.amount_minor == new_total - 120
            self.amount.setText("20.00")
            self.on_cash_clicked()
            return self.result()

    class Exchange(engine_actions.ReturnsDialog):
        def exec(self):
            self.on_scanner_scanned(receipt_code("T01", sale.receipt_number))
            self.on_all_clicked()
            self.on_exchange_clicked()
            assert self.exchange_sale is not None, self.message.text()
            return self.result()

    view.dialogs = replace(view.dialogs, tender=PayDifference, returns=Exchange)
    qtbot.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert len(refunds) == 1 and refunds[0].kind == "exchange", view.message.text()
    assert till.sales.count() == 2 and view.checkout.cart.is_empty
    pays = till.db.execute_sql(
        "SELECT tender, amount_minor FROM payment WHERE sale_id = ? ORDER BY rowid",
        (view.last_sale.sale_id,),
    ).fetchall()
    assert pays[0] == ("exchange", 120) and pays[1][0] == "cash"
    assert "Exchange done" in view.message.text()
