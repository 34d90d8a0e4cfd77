"""Return without a receipt on the real window, driven as a cashier would: Ctrl+R, F8, scan the
items with the wedge scanner, F12, and the manager's PIN in the approval dialog. Checked on the
database (refund, journal, outbox, audit), on the simulated printer's paper and its drawer."""

import json
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from hardware.escpos_parse import DrawerPulse, parse_escpos
from pos_desktop.domain.money import Money
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.services.demo_staff import ensure_demo_staff
from pos_desktop.services.formatting import money_text
from pos_desktop.ui.views.approval_dialog import ApprovalDialog
from pos_desktop.ui.views.returns_view import ReturnsDialog
from tests.conftest import paper_jobs
from tests.waits import EVENTUALLY_MS


@pytest.fixture
def staffed(till_window, till):
    """The demo cashier (no refund rights) is logged in and a shift is open."""
    window, _wedge, _bridge = till_window
    ensure_demo_staff(till.auth)
    window.staff.demo = True
    window.staff.start()
    yield window
    window.staff.idle.stop()
    QApplication.instance().removeEventFilter(window.staff)
    QApplication.processEvents()
    window.status_timer.stop()  # no printer poll once the till closes


def when_modal(kind, action):
    """Run ``action(dialog)`` once, as soon as a modal dialog of ``kind`` is on screen."""
    state = {"done": False, "error": None}

    def poll():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind) or not dialog.isVisible():
            QTimer.singleShot(30, poll)
            return
        try:
            action(dialog)
        except BaseException as err:  # report it from the test, not from the event loop
            state["error"] = err
            dialog.reject()
        state["done"] = True

    QTimer.singleShot(30, poll)
    return state


def scan(qtbot, widget, code: str) -> None:
    """A wedge scanner burst (the test's key clock stands still, so it is one fast burst)."""
    qtbot.keyClicks(widget, code)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def type_pin(qtbot, dialog: ApprovalDialog, pin: str) -> None:
    qtbot.keyClicks(dialog.pin, pin)
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)


def counter(till) -> int:
    return till.db.execute_sql("SELECT MAX(last_number) FROM receipt_counter").fetchone()[0]


def count(till, sql: str) -> int:
    return till.db.execute_sql(sql).fetchone()[0]


def activate(qtbot, dialog) -> None:
    """The window manager makes a modal dialog the active window; the offscreen platform does
    not, so do it here (its keys are window shortcuts)."""
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)


def press(qtbot, dialog, key) -> None:
    """A function key of the dialog's buttons (Qt clicks them a moment after the key)."""
    qtbot.keyClick(dialog, key)


def no_receipt_return(qtbot, codes, answer_approval):
    """Ctrl+R, F8, scan ``codes``, F12; ``answer_approval(approval_dialog, seen)`` answers the
    manager-approval dialog. Returns what the returns dialog showed and the driver."""
    seen = {}

    def in_returns(dialog: ReturnsDialog) -> None:
        activate(qtbot, dialog)
        press(qtbot, dialog, Qt.Key.Key_F8)
        qtbot.waitUntil(lambda: "WITHOUT" in dialog.title.text(), timeout=2000)
        seen["title"] = dialog.title.text()
        for code in codes:
            scan(qtbot, dialog.entry, code)
        seen["rows"] = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
        seen["editable"] = [
            bool(dialog.table.item(r, 3).flags() & Qt.ItemFlag.ItemIsEditable)
            for r in range(dialog.table.rowCount())
        ]
        approval = when_modal(ApprovalDialog, lambda d: answer_approval(d, seen))
        press(qtbot, dialog, Qt.Key.Key_F12)
        qtbot.waitUntil(lambda: approval["done"], timeout=EVENTUALLY_MS)
        seen["approval_asked"] = approval["done"]
        seen["approval_error"] = approval["error"]
        qtbot.waitUntil(lambda: not dialog.isVisible() or bool(dialog.message.text()), timeout=2000)
        seen["message"] = dialog.message.text()
        if dialog.isVisible():  # refused: the cashier goes back
            seen["stayed_open"] = True
            qtbot.mouseClick(dialog.buttons["back"], Qt.MouseButton.LeftButton)

    return seen, in_returns


def test_return_without_receipt_is_refused_without_a_manager(qtbot, staffed, till, sim_printer):
    view = staffed.checkout_view
    before = counter(till)

    def wrong_pin_then_give_up(dialog, seen):
        seen["approve_what"] = dialog.findChildren(type(dialog.message))[0].text()
        type_pin(qtbot, dialog, "0000")
        seen["pin_error"] = dialog.message.text()
        assert dialog.isVisible()  # a wrong PIN approves nothing
        dialog.reject()  # the manager is not there: Cancel

    seen, in_returns = no_receipt_return(qtbot, [demo_ean13(3)], wrong_pin_then_give_up)
    returns = when_modal(ReturnsDialog, in_returns)
    qtbot.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert returns["done"] and returns["error"] is None, returns["error"]
    assert seen["approval_asked"] and seen["approval_error"] is None, seen

    assert "WITHOUT receipt" in seen["title"]
    assert len(seen["rows"]) == 1  # the scan went to the returns dialog...
    assert seen["editable"] == [False]  # the scanned quantity is the one refunded
    assert view.model.rowCount() == 0  # ...not to the cart
    assert "Return without a receipt" in seen["approve_what"]
    assert "PIN" in seen["pin_error"]
    assert "not approved" in seen["message"] and seen.get("stayed_open")
    # Nothing happened: no refund, no number used, nothing journaled or printed, no drawer.
    assert count(till, "SELECT COUNT(*) FROM refund") == 0
    assert counter(till) == before
    assert count(till, "SELECT COUNT(*) FROM journal WHERE type = 'refund.completed'") == 0
    assert count(till, "SELECT COUNT(*) FROM outbox WHERE type = 'refund.completed'") == 0
    denied = count(
        till,
        "SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied' "
        "AND event LIKE '%return_no_receipt%'",
    )
    assert denied >= 1
    QApplication.processEvents()
    assert not any(b"RETURN WITHOUT RECEIPT" in job for job in sim_printer.jobs)
    assert count(till, "SELECT COUNT(*) FROM print_job WHERE kind = 'refund'") == 0


def test_return_without_receipt_with_the_manager_refunds_cash(qtbot, staffed, till, sim_printer):
    view = staffed.checkout_view
    milk, other = till.catalog.find_by_sku("SKU0000001"), till.catalog.find_by_sku("SKU0000003")
    expected = 2 * milk.unit_price_minor + other.unit_price_minor
    before = counter(till)
    refunds = []
    view.refund_completed.connect(refunds.append)

    def manager_approves(dialog, seen):
        seen["approvers"] = [dialog.approver.itemText(i) for i in range(dialog.approver.count())]
        type_pin(qtbot, dialog, "1234")  # mistyped: the dialog stays for another try
        seen["retry"] = dialog.isVisible() and "PIN" in dialog.message.text()
        type_pin(qtbot, dialog, "9999")

    codes = [demo_ean13(1), demo_ean13(3), demo_ean13(1)]
    seen, in_returns = no_receipt_return(qtbot, codes, manager_approves)
    returns = when_modal(ReturnsDialog, in_returns)
    qtbot.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert returns["done"] and returns["error"] is None, returns["error"]
    assert seen["approval_asked"] and seen["approval_error"] is None, seen
    assert any("Demo Manager" in name for name in seen["approvers"]) and seen["retry"]
    assert not seen.get("stayed_open"), seen["message"]

    # Saved: one refund of the catalogue prices, numbered from the sale counter, paid in cash.
    assert len(refunds) == 1
    stored = refunds[0]
    assert stored.kind == "no_receipt" and stored.receipt_number == before + 1
    assert counter(till) == before + 1
    row = till.db.execute_sql(
        "SELECT id, sale_id, kind, total_minor, cashier, shift_id, detail FROM refund"
    ).fetchone()
    refund_id, sale_id, kind, total, cashier, shift_id, detail = row
    assert (sale_id, kind, total) == (None, "no_receipt", expected)
    assert isinstance(total, int)  # money stays in minor units
    assert cashier == "Demo Cashier" and shift_id == till.shifts.current().shift_id
    tenders = json.loads(detail)["tenders"]
    assert [(t[1], t[3]) for t in tenders] == [("cash", expected)]
    quantities = sorted(Decimal(ln[1]) for ln in json.loads(detail)["lines"])
    assert sum(quantities) == 3
    assert not till.sales.count()  # a return is not a sale
    assert view.model.rowCount() == 0
    assert "Refund" in view.message.text()
    assert money_text(Money(expected, "EUR"), till.settings.locale) in view.message.text()

    # Journaled and queued for the office, with the manager's approval audited.
    journaled = till.db.execute_sql(
        "SELECT object_id, body FROM journal WHERE type = 'refund.completed'"
    ).fetchall()
    assert len(journaled) == 1 and journaled[0][0] == refund_id
    assert json.loads(journaled[0][1])["total_minor"] == expected
    assert count(till, "SELECT COUNT(*) FROM outbox WHERE type = 'refund.completed'") == 1
    granted = till.db.execute_sql(
        "SELECT body FROM audit_log WHERE outcome = 'granted' AND event LIKE '%return_no_receipt%'"
    ).fetchall()
    assert len(granted) == 1 and "Demo Manager" in granted[0][0]

    # Printed: the slip with its own number and the items, and the drawer kicked for the cash.
    qtbot.waitUntil(
        lambda: any(b"RETURN WITHOUT RECEIPT" in job for job in paper_jobs(sim_printer)),
        timeout=EVENTUALLY_MS,
    )
    slip = parse_escpos(next(j for j in paper_jobs(sim_printer) if b"RETURN WITHOUT" in j))
    assert milk.name in slip.text and other.name in slip.text
    assert money_text(Money(expected, "EUR"), till.settings.locale) in slip.text
    assert "Back to Cash" in slip.text
    assert len(slip.of_type(DrawerPulse)) == 1
    qtbot.waitUntil(
        lambda: (
            till.db.execute_sql("SELECT status FROM print_job WHERE kind = 'refund'").fetchone()
            == ("printed",)
        ),
        timeout=EVENTUALLY_MS,
    )
    # The opening is audited as a refund's, not a sale's.
    assert till.db.execute_sql("SELECT reason, status FROM drawer_event").fetchall() == [
        ("refund", "sent")
    ]
