"""Card payments on the simulated Concert V2 terminal (real pyserial over a pty), on screen."""

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from hardware.simulators.terminal_concert import SimulatedConcertTerminal
from hardware.terminals.concert import ConcertTerminal
from pos_desktop.config import PrinterConfig, TillConfig
from pos_desktop.container import Overrides, build_container
from pos_desktop.services.demo_data import demo_ean13, write_demo_catalog
from pos_desktop.ui.qt_app import build_window
from pos_desktop.ui.views.card_payment_dialog import CardPaymentDialog, UnresolvedPaymentDialog
from tests.conftest import FixedClock, open_test_shift, paper_jobs
from tests.waits import EVENTUALLY_MS


@pytest.fixture
def terminal_sim():
    with SimulatedConcertTerminal("approve", delay_s=0.2) as sim:
        yield sim


def make_till(data_dir, printer_uri, terminal_uri, result_timeout=5.0):
    config = TillConfig(data_dir=data_dir, printer=PrinterConfig(uri=printer_uri), demo=True)
    terminal = ConcertTerminal(terminal_uri, result_timeout=result_timeout, ack_timeout=1.0)
    till = build_container(config, overrides=Overrides(clock=FixedClock(), terminal=terminal))
    open_test_shift(till)
    return till


@pytest.fixture
def card_till(tmp_path, sim_printer, terminal_sim):
    till = make_till(tmp_path, sim_printer.uri, terminal_sim.uri)
    write_demo_catalog(till.db, 50)
    yield till
    till.close()


@pytest.fixture
def window(qtbot, qapp, card_till):
    win, wedge, _bridge = build_window(card_till, card_till.config, qapp)
    qtbot.addWidget(win)
    win.show()
    yield win
    qapp.removeEventFilter(wedge)


def when_dialog(qtbot, kind, action, timeout_ms=8000):
    """Run ``action(dialog)`` once a modal dialog of ``kind`` is up and ready for it."""
    state = {"done": False}

    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and action(dialog):
            state["done"] = True
            return
        QTimer.singleShot(50, poll)

    QTimer.singleShot(50, poll)
    return state


def card_rows(till):
    return till.db.execute_sql("SELECT status, sale_id, last4 FROM card_payment").fetchall()


def test_approved_card_completes_the_sale(qtbot, window, card_till, terminal_sim, sim_printer):
    view = window.checkout_view
    view.add_code(demo_ean13(1))
    view.add_code(demo_ean13(2))
    total = card_till.checkout.totals().total.amount_minor
    view.on_card_clicked()  # modal until approved; it closes itself after "approved"
    assert card_till.sales.count() == 1 and view.model.rowCount() == 0
    ((status, sale_id, last4),) = card_rows(card_till)
    assert status == "approved" and sale_id and last4 == "7892"
    assert terminal_sim.requests[0].amount_minor == total
    pay = card_till.db.execute_sql("SELECT tender, amount_minor, reference FROM payment").fetchone()
    assert pay[0] == "card" and pay[1] == total and "****7892" in pay[2]
    qtbot.waitUntil(lambda: len(paper_jobs(sim_printer)) == 1, timeout=EVENTUALLY_MS)
    from hardware.escpos_parse import parse_escpos

    parsed = parse_escpos(paper_jobs(sim_printer)[0])
    assert not any(type(e).__name__ == "DrawerPulse" for e in parsed.events)  # card: no kick
    assert "****7892" in "\n".join(parsed.lines)


def test_declined_card_keeps_the_cart(qtbot, window, card_till, terminal_sim):
    terminal_sim.behaviour = "decline"
    view = window.checkout_view
    view.add_code(demo_ean13(3))

    def close_when_settled(dialog):
        if dialog.settlement is None:
            return False
        dialog.close_button.click()
        return True

    when_dialog(qtbot, CardPaymentDialog, close_when_settled)
    view.on_card_clicked()
    assert card_till.sales.count() == 0 and view.model.rowCount() == 1
    assert card_rows(card_till)[0][0] == "declined"
    assert "another tender" in view.message.text()


def test_scans_refused_while_a_payment_waits(qtbot, window, card_till, terminal_sim):
    terminal_sim.delay_s = 1.0
    view = window.checkout_view
    view.add_code(demo_ean13(4))
    seen = {}

    def scan_during_payment(dialog):
        view.on_scanner_scanned(demo_ean13(5))
        seen["message"] = view.message.text()
        seen["rows"] = view.model.rowCount()
        return True

    when_dialog(qtbot, CardPaymentDialog, scan_during_payment)
    view.on_card_clicked()
    assert "NOT added" in seen["message"] and seen["rows"] == 1
    assert card_till.sales.count() == 1  # the paid sale has only the first item
    assert card_till.db.execute_sql("SELECT COUNT(*) FROM sale_line").fetchone()[0] == 1


def test_lost_answer_is_resolved_by_the_cashier(qtbot, tmp_path, qapp, sim_printer):
    with SimulatedConcertTerminal("silent") as sim:
        till = make_till(tmp_path, sim_printer.uri, sim.uri, result_timeout=1.0)
        write_demo_catalog(till.db, 20)
        win, wedge, _ = build_window(till, till.config, qapp)
        qtbot.addWidget(win)
        view = win.checkout_view
        view.add_code(demo_ean13(6))

        def answer_approved(dialog):
            if not dialog.resolve.approved_button.isVisible():
                return False
            assert card_rows(till)[0][0] == "unknown"  # never marked paid before the answer
            qtbot.mouseClick(dialog.resolve.approved_button, Qt.MouseButton.LeftButton)
            return True

        when_dialog(qtbot, CardPaymentDialog, answer_approved)
        view.on_card_clicked()
        assert till.sales.count() == 1 and card_rows(till)[0][0] == "approved"
        assert len(sim.requests) == 1  # never re-sent
        qapp.removeEventFilter(wedge)
        till.close()


@pytest.mark.parametrize("approved", [True, False])
def test_crash_mid_payment_is_put_to_the_cashier_on_restart(
    qtbot, tmp_path, qapp, sim_printer, terminal_sim, approved
):
    till = make_till(tmp_path, sim_printer.uri, terminal_sim.uri)
    write_demo_catalog(till.db, 20)
    till.checkout.scan(demo_ean13(7))
    till.checkout.scan(demo_ean13(8))
    attempt = till.cards.begin()  # saved, then the till "dies" before any answer is recorded
    till.close()
    assert attempt.reference

    restarted = make_till(tmp_path, sim_printer.uri, terminal_sim.uri)
    assert restarted.checkout.cart.is_empty and restarted.sales.count() == 0
    win, wedge, _ = build_window(restarted, restarted.config, qapp)
    qtbot.addWidget(win)

    def answer(dialog):
        button = dialog.resolve.approved_button if approved else dialog.resolve.declined_button
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        return True

    when_dialog(qtbot, UnresolvedPaymentDialog, answer)
    win.resolve_unfinished_card_payments()
    if approved:
        assert restarted.sales.count() == 1
        assert restarted.db.execute_sql("SELECT COUNT(*) FROM sale_line").fetchone()[0] == 2
        assert card_rows(restarted)[0][0] == "approved"
    else:
        assert restarted.sales.count() == 0 and card_rows(restarted)[0][0] == "declined"
    assert terminal_sim.requests == []  # nothing was ever sent again by itself
    assert restarted.cards.open_payments() == []
    qapp.removeEventFilter(wedge)
    restarted.close()
