"""Approvals at the till, by input events only: voids, cancels, parked drops, the drawer test,
lockout and unlock, discounts (issue 11, "Approvals" and voids)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.approval_dialog import ApprovalDialog
from pos_desktop.ui.views.devices_dialog import DevicesDialog
from pos_desktop.ui.views.discount_dialog import DiscountDialog
from pos_desktop.ui.views.login_dialog import LoginDialog
from pos_desktop.ui.views.parked_sales_dialog import ParkedSalesDialog
from pos_desktop.ui.views.shift_dialogs import CashMovementDialog, ReportViewerDialog

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def switch_to(j, name: str, pin: str):
    """Ctrl+L, pick ``name``, type the PIN on the pad."""
    yield j.key(Qt.Key.Key_L, CTRL)
    login = yield j.modal(LoginDialog)
    yield j.choose(login.names, name)
    yield j.pin(login, pin)
    yield j.closed(login)


def report_rows(dialog) -> dict[str, tuple[str, ...]]:
    """What the report viewer shows: row label -> its figures (count, amount)."""
    return {row.label: row.values for sec in dialog.layout_model.sections for row in sec.rows}


def test_a_manager_voids_a_line_with_their_own_pin(journey):
    def steps(j):
        yield from switch_to(j, "Demo Manager", "9999")
        yield j.scan(demo_ean13(1))
        yield j.scan(demo_ean13(3))
        yield j.key(Qt.Key.Key_F3)  # remove line (Del in the entry field is another story)
        dialog = yield j.modal(ApprovalDialog)
        assert dialog.approver.currentData() == "Demo Manager"  # offered first: themselves
        yield j.pin(dialog, "9999")
        yield j.closed(dialog)
        assert j.cart_names() == ["Whole milk 1L"]
        row = j.db_one("SELECT requester, approver, kind FROM void_record")
        assert row == ("Demo Manager", "Demo Manager", "line")

    journey.run(steps)


def test_cashier_cancel_needs_a_manager_and_counts_on_the_x_report(journey):
    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.scan(demo_ean13(3))
        yield j.key(Qt.Key.Key_F4)
        box = yield j.modal(QMessageBox)
        yield j.click(box.button(QMessageBox.StandardButton.Yes))
        dialog = yield j.modal(ApprovalDialog)
        names = [dialog.approver.itemData(i) for i in range(dialog.approver.count())]
        assert names == ["Demo Manager"]  # the cashier may not cancel alone
        yield j.pin(dialog, "9999")
        yield j.closed(dialog)
        assert j.cart_names() == []
        row = j.db_one("SELECT requester, approver, kind, amount_minor > 0 FROM void_record")
        assert row == ("Demo Cashier", "Demo Manager", "sale", 1)
        yield j.key(Qt.Key.Key_F9)
        report = yield j.modal(ReportViewerDialog)
        rows = report_rows(report)
        assert rows["Cancelled sales"][0] == "1" and rows["Voided lines"][0] == "0"
        assert rows["Voids"][0] == "1"
        yield j.key(Qt.Key.Key_Escape)

    journey.run(steps)


def test_dropping_a_parked_sale_asks_confirmation_and_approval(journey):
    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_S, CTRL)
        label = yield j.modal(QInputDialog)
        yield j.type("Anna")
        yield j.key(Qt.Key.Key_Return)
        yield j.closed(label)
        assert j.cart_names() == []
        yield j.key(Qt.Key.Key_S, CTRL)
        parked = yield j.modal(ParkedSalesDialog)
        yield j.key(Qt.Key.Key_Delete)
        box = yield j.modal(QMessageBox)
        yield j.click(box.button(QMessageBox.StandardButton.Yes))
        dialog = yield j.modal(ApprovalDialog)
        yield j.pin(dialog, "9999")
        yield j.closed(dialog)
        assert j.db_one("SELECT status FROM parked_sale") == "cancelled"
        row = j.db_one("SELECT requester, approver, kind FROM void_record")
        assert row == ("Demo Cashier", "Demo Manager", "parked_sale")
        yield j.key(Qt.Key.Key_Escape, to=parked)

    journey.run(steps)


def test_a_cashier_cannot_drop_a_parked_sale_without_approval(journey):
    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_S, CTRL)
        label = yield j.modal(QInputDialog)
        yield j.type("Ben")
        yield j.key(Qt.Key.Key_Return)
        yield j.closed(label)
        yield j.key(Qt.Key.Key_S, CTRL)
        parked = yield j.modal(ParkedSalesDialog)
        yield j.key(Qt.Key.Key_Delete)
        box = yield j.modal(QMessageBox)
        yield j.click(box.button(QMessageBox.StandardButton.Yes))
        dialog = yield j.modal(ApprovalDialog)
        yield j.key(Qt.Key.Key_Escape)  # nobody approves
        yield j.closed(dialog)
        assert j.db_one("SELECT status FROM parked_sale") == "parked"
        yield j.key(Qt.Key.Key_Escape, to=parked)

    journey.run(steps)


def test_devices_drawer_test_is_an_approved_no_sale(journey, sim_printer):
    def steps(j):
        yield j.key(Qt.Key.Key_D, CTRL_SHIFT)
        devices = yield j.modal(DevicesDialog)
        yield j.click(j.button(devices, "Open drawer"))
        movement = yield j.modal(CashMovementDialog)  # a no-sale like any other: its reason
        yield j.key(Qt.Key.Key_Return)
        dialog = yield j.modal(ApprovalDialog)
        assert dialog.reason.isHidden()  # asked once, in the no-sale dialog
        yield j.pin(dialog, "9999")
        yield j.closed(movement)
        yield j.closed(dialog)
        row = j.db_one("SELECT kind, user_name, approved_by FROM cash_movement")
        assert row == ("no_sale", "Demo Cashier", "Demo Manager")
        yield j.key(Qt.Key.Key_Escape, to=devices)

    journey.run(steps)


def test_a_cashier_cannot_edit_devices_without_approval(journey):
    def steps(j):
        yield j.key(Qt.Key.Key_D, CTRL_SHIFT)
        devices = yield j.modal(DevicesDialog)
        yield j.click(j.button(devices, "Edit"))
        dialog = yield j.modal(ApprovalDialog)  # not the edit dialog
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)
        yield j.key(Qt.Key.Key_Escape, to=devices)

    journey.run(steps)


def test_a_locked_manager_is_unlocked_by_an_admin_at_the_till(journey):
    journey.till.auth.add_user("Owner", "admin", "4321", by="test setup")

    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F3)
        dialog = yield j.modal(ApprovalDialog)
        yield j.choose(dialog.approver, "Demo Manager")
        for _ in range(10):
            yield j.pin(dialog, "0000")
        assert "locked" in dialog.message.text()
        assert "30 min" in dialog.message.text()  # the time left is shown
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)
        yield j.menu("Staff", "Unlock user")
        unlock = yield j.modal(ApprovalDialog)
        yield j.choose(unlock.locked_user, "Demo Manager")
        yield j.choose(unlock.approver, "Owner")
        yield j.pin(unlock, "4321")
        yield j.closed(unlock)
        events = [r[0] for r in j.db.execute_sql("SELECT event FROM audit_log").fetchall()]
        assert "user.locked" in events and "user.unlocked" in events
        yield j.key(Qt.Key.Key_F3)
        dialog = yield j.modal(ApprovalDialog)
        yield j.choose(dialog.approver, "Demo Manager")
        yield j.pin(dialog, "9999")
        yield j.closed(dialog)
        assert j.cart_names() == []

    journey.run(steps, timeout_s=60)


def test_a_15_percent_discount_is_asked_once_and_shown_exactly(journey):
    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F10)
        discount = yield j.modal(DiscountDialog)
        yield j.type("15")
        yield j.key(Qt.Key.Key_Return)
        yield j.closed(discount)
        dialog = yield j.modal(ApprovalDialog)
        assert dialog.reason.isHidden()  # the discount dialog asked already
        assert "15 %" in dialog.detail_text and "15.0" not in dialog.detail_text
        yield j.pin(dialog, "9999")
        yield j.closed(dialog)
        assert "Discount applied" in j.message()

    journey.run(steps)


def test_no_sale_asks_its_reason_once(journey):
    def steps(j):
        yield j.key(Qt.Key.Key_N, CTRL)
        movement = yield j.modal(CashMovementDialog)
        yield j.key(Qt.Key.Key_Return)
        dialog = yield j.modal(ApprovalDialog)
        assert dialog.reason.isHidden()
        yield j.pin(dialog, "9999")
        yield j.closed(dialog)
        yield j.closed(movement)
        assert j.db_one("SELECT kind FROM cash_movement") == "no_sale"

    journey.run(steps)
