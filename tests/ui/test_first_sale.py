"""End to end on the real screen: scanner bursts, pay cash, saved sale, outbox, printer bytes."""

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from hardware.escpos_parse import parse_escpos
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.storage import outbox
from tests.approvals import approver
from tests.conftest import paper_jobs
from tests.waits import EVENTUALLY_MS


def scanner_burst(qtbot, widget, code: str, clock, gap_s: float = 0.003) -> None:
    """Type like a keyboard-wedge scanner: 3 ms per key, then Enter."""
    for ch in code:
        clock.advance(gap_s)
        qtbot.keyClick(widget, ch)
    clock.advance(gap_s)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def person_types(qtbot, widget, text: str, clock) -> None:
    """A person: 150 ms between keys (the filter hands each key on once the pause is seen)."""
    for ch in text:
        clock.advance(0.15)
        qtbot.keyClick(widget, ch)
    clock.advance(0.15)


def test_scan_three_items_pay_cash_print_and_kick(qtbot, till_window, key_clock, till, sim_printer):
    window, _wedge, _bridge = till_window
    view = window.checkout_view
    for n in (1, 2, 3):
        scanner_burst(qtbot, view.entry, demo_ean13(n), key_clock)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=3000)
    assert view.entry.text() == ""  # the scan never leaked into the entry field
    total = till.checkout.totals().total

    qtbot.keyClick(view, Qt.Key.Key_F5)  # exact cash
    qtbot.waitUntil(lambda: till.sales.count() == 1, timeout=3000)
    assert view.model.rowCount() == 0  # the next sale starts empty
    qtbot.waitUntil(lambda: len(paper_jobs(sim_printer)) == 1, timeout=EVENTUALLY_MS)
    qtbot.waitUntil(lambda: "Receipt printed" in view.message.text(), timeout=3000)

    sale = till.db.execute_sql("SELECT id, total_minor, receipt_number FROM sale").fetchone()
    assert sale[1] == total.amount_minor and sale[2] == 1
    events = [e for e in outbox.pending(till.db) if e.type != "shift.opened"]
    assert len(events) == 1 and json.loads(events[0].payload)["sale_id"] == sale[0]

    parsed = parse_escpos(paper_jobs(sim_printer)[0])
    text = "\n".join(parsed.lines)
    for name in ("Whole milk 1L", "Semi-skimmed milk 1L", "Oat drink 1L", "TOTAL"):
        assert name in text
    kinds = [type(e).__name__ for e in parsed.events]
    assert kinds.count("DrawerPulse") == 1 and "Cut" in kinds
    pulse = next(e for e in parsed.events if type(e).__name__ == "DrawerPulse")
    assert (pulse.pin, pulse.on_ms, pulse.off_ms) == (2, 50, 500)
    qtbot.waitUntil(lambda: "OPEN" in window.receipt_preview.drawer_label.text(), timeout=3000)


def test_scan_never_leaks_into_another_text_field(qtbot, till_window, key_clock):
    window, _wedge, _bridge = till_window
    search = QLineEdit(window)  # e.g. a customer search box that has the focus
    search.show()
    search.setFocus()
    QApplication.processEvents()
    scanner_burst(qtbot, search, demo_ean13(4), key_clock)
    qtbot.waitUntil(lambda: window.checkout_view.model.rowCount() == 1, timeout=3000)
    assert search.text() == ""


def test_typing_reaches_the_field_and_enter_looks_up(qtbot, till_window, key_clock):
    window, _wedge, _bridge = till_window
    view = window.checkout_view
    view.entry.setFocus()
    person_types(qtbot, view.entry, "SKU0000005", key_clock)
    qtbot.waitUntil(lambda: view.entry.text() == "SKU0000005", timeout=2000)
    qtbot.keyClick(view.entry, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=2000)


def test_bad_code_shows_message_and_adds_nothing(qtbot, till_window, key_clock):
    window, _wedge, _bridge = till_window
    view = window.checkout_view
    scanner_burst(qtbot, view.entry, "4006381333932", key_clock)
    qtbot.waitUntil(lambda: "check digit" in view.message.text(), timeout=2000)
    assert view.model.rowCount() == 0
    assert view.message.property("kind") == "error"
    scanner_burst(qtbot, view.entry, "4006381333931", key_clock)
    qtbot.waitUntil(lambda: "No product has barcode" in view.message.text(), timeout=2000)
    assert view.model.rowCount() == 0


def test_quantity_remove_and_pay_dialog(qtbot, till_window, key_clock, till, monkeypatch):
    window, _wedge, _bridge = till_window
    view = window.checkout_view
    scanner_burst(qtbot, view.entry, demo_ean13(1), key_clock)
    scanner_burst(qtbot, view.entry, demo_ean13(2), key_clock)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=2000)
    view.entry.setText("3")
    qtbot.keyClick(view, Qt.Key.Key_F2)
    assert till.checkout.cart.lines[-1].quantity == 3
    view.approver = approver(till.auth)  # no users on this till: a manager's token stands in
    qtbot.keyClick(view, Qt.Key.Key_F3)
    assert view.model.rowCount() == 1

    from pos_desktop.ui.views import checkout_view as module

    class TypedCash(module.PayCashDialog):
        def exec(self):
            self.entry.setText("1")
            self._pay_typed()  # too little: stays open with a message
            assert "short" in self.message.text()
            self.entry.setText("50")
            self._pay_typed()
            return self.result()

    monkeypatch.setattr(module, "PayCashDialog", TypedCash)
    qtbot.keyClick(view, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: till.sales.count() == 1, timeout=2000)
    assert view.total_caption.text() == "Change due"
