"""The staff session on the real window: who sells, manager approval per action, locked screen,
sales tied to the shift and cashier."""

import json

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from pos_desktop.domain.money import Money
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.services.demo_staff import ensure_demo_staff
from pos_desktop.ui.views.approval_dialog import ApprovalDialog
from tests.waits import EVENTUALLY_MS


@pytest.fixture
def staffed(till_window, till):
    window, _wedge, _bridge = till_window
    ensure_demo_staff(till.auth)
    window.staff.demo = True
    window.staff.start()  # demo: the demo cashier logs in and a shift with a float opens
    yield window
    window.staff.idle.stop()
    QApplication.instance().removeEventFilter(window.staff)


def answer_approval(pin: str, *, cancel_after_error: bool = False):
    state = {"messages": []}

    def poll():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ApprovalDialog):
            QTimer.singleShot(30, poll)
            return
        if state["messages"] and cancel_after_error:
            dialog.reject()
            return
        dialog.pin.setText(pin)
        dialog.approve()
        if dialog.isVisible():  # refused: remember why, then cancel on the next round
            state["messages"].append(dialog.message.text())
            cancel_after_error and QTimer.singleShot(30, poll)

    QTimer.singleShot(30, poll)
    return state


def test_sales_carry_the_cashier_and_the_shift(staffed, till):
    view = staffed.checkout_view
    assert "Demo Cashier" in staffed.cashier_chip.text() and "open" in staffed.shift_chip.text()
    view.add_code(demo_ean13(1))
    sale = view.complete_cash(Money(500, "EUR"))
    row = till.db.execute_sql(
        "SELECT cashier, shift_id FROM sale WHERE id = ?", (sale.sale_id,)
    ).fetchone()
    assert row == ("Demo Cashier", till.shifts.current().shift_id)
    assert till.shifts.x_report().data["sales_count"] == 1


def test_removing_a_line_needs_a_manager_and_is_audited(staffed, till):
    view = staffed.checkout_view
    view.add_code(demo_ean13(1))
    view.add_code(demo_ean13(2))
    answer_approval("9999")
    view.on_remove_clicked()
    assert view.model.rowCount() == 1
    event, user, outcome, body = till.db.execute_sql(
        "SELECT event, user_name, outcome, body FROM audit_log "
        "WHERE event = 'approval.void_line' ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    detail = json.loads(body)
    assert outcome == "granted" and user == "Demo Cashier"
    assert "Demo Manager" in json.dumps(detail)
    voided = till.db.execute_sql("SELECT requester, approver, kind FROM void_record").fetchall()
    assert voided == [("Demo Cashier", "Demo Manager", "line")]


def test_a_wrong_manager_pin_removes_nothing(staffed, till):
    view = staffed.checkout_view
    view.add_code(demo_ean13(3))
    state = answer_approval("0000", cancel_after_error=True)
    view.on_remove_clicked()
    assert view.model.rowCount() == 1
    assert state["messages"] and "PIN" in state["messages"][0]
    denied = till.db.execute_sql(
        "SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied'"
    ).fetchone()[0]
    assert denied >= 1


def test_a_locked_screen_rings_nothing_up(staffed):
    staffed.staff.locked = True
    staffed.on_scanner_scanned(demo_ean13(4))
    assert staffed.checkout_view.model.rowCount() == 0
    staffed.staff.locked = False
    staffed.on_scanner_scanned(demo_ean13(4))
    assert staffed.checkout_view.model.rowCount() == 1


def test_idle_till_locks_and_scans_wait_for_a_pin(qtbot, staffed):
    from pos_desktop.ui.views.login_dialog import LoginDialog

    seen = {}

    def unlock():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LoginDialog):
            QTimer.singleShot(30, unlock)
            return
        staffed.on_scanner_scanned(demo_ean13(5))  # behind the lock: ignored
        seen["rows_while_locked"] = staffed.checkout_view.model.rowCount()
        dialog.pin.setText("1111")
        dialog.submit()

    staffed.staff.idle.setInterval(50)
    staffed.staff.idle.start()
    QTimer.singleShot(30, unlock)
    qtbot.waitUntil(
        lambda: "rows_while_locked" in seen and not staffed.staff.locked, timeout=EVENTUALLY_MS
    )
    assert seen["rows_while_locked"] == 0
    assert "Demo Cashier" in staffed.cashier_chip.text()


def test_a_till_with_no_users_refuses_sensitive_actions(qtbot, till_window, till):
    """Fail closed: nobody can approve, so F3 / F4 change nothing and say how to add a manager."""
    from PySide6.QtCore import Qt

    window, _wedge, _bridge = till_window
    window.staff.start()  # no users: the till sells, nobody is logged in
    view = window.checkout_view
    view.add_code(demo_ean13(1))
    qtbot.keyClick(view, Qt.Key.Key_F3)
    assert view.model.rowCount() == 1
    assert "pos-admin users add" in view.message.text()
    assert till.db.execute_sql("SELECT COUNT(*) FROM void_record").fetchone() == (0,)
