"""Every message belongs to one state and clears with it: nothing stale stays on screen."""

from __future__ import annotations

from PySide6.QtCore import Qt

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.approval_dialog import ApprovalDialog
from pos_desktop.ui.views.login_dialog import LoginDialog
from pos_desktop.ui.views.pay_cash_dialog import PayCashDialog
from pos_desktop.ui.views.returns_view import ReturnsDialog


def sell_one_for_exact_cash(j):
    yield j.scan(demo_ean13(1))
    yield j.key(Qt.Key.Key_F5)
    yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
    assert j.view.total_caption.text() == "Paid"


def test_returns_error_clears_when_a_receipt_loads(journey):
    def steps(j):
        yield from sell_one_for_exact_cash(j)
        yield j.key(Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        dialog = yield j.modal(ReturnsDialog)
        yield j.type("99")
        yield j.key(Qt.Key.Key_Return)
        assert "No sale has receipt number 99" in dialog.message.text()
        yield j.scan("RT01-00000001")
        assert dialog.sale is not None
        assert dialog.message.text() == ""
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)

    journey.run(steps)


def test_cash_dialog_drops_short_of_total_once_the_amount_is_enough(journey):
    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F12)
        dialog = yield j.modal(PayCashDialog)
        yield j.type("0.5")
        yield j.key(Qt.Key.Key_Return)
        assert "short of the total" in dialog.message.text()
        yield j.type("50")  # the error selected the amount: typing replaces it
        assert dialog.change_label.text().startswith("Change: ") and "-" not in (
            dialog.change_label.text()
        )
        assert dialog.message.text() == ""
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)

    journey.run(steps)


def test_big_display_shows_the_refund_not_the_previous_paid(journey):
    def steps(j):
        yield from sell_one_for_exact_cash(j)
        yield j.key(Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        dialog = yield j.modal(ReturnsDialog)
        yield j.scan("RT01-00000001")
        yield j.key(Qt.Key.Key_F5)  # return all
        yield j.key(Qt.Key.Key_F12)  # refund: a manager approves
        approval = yield j.modal(ApprovalDialog)
        yield j.choose(approval.approver, "Demo Manager")
        yield j.pin(approval, "9999")
        yield j.closed(dialog)
        assert j.view.total_caption.text() != "Paid"
        assert "back" in j.view.total_caption.text().lower(), j.view.total_caption.text()
        yield j.scan(demo_ean13(3))  # the next customer: the refund display goes
        assert j.view.total_caption.text().startswith("Total")

    journey.run(steps)


def test_lock_screen_hides_the_last_sale_and_the_cashier(journey):
    def steps(j):
        yield from sell_one_for_exact_cash(j)
        yield j.key(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        login = yield j.modal(LoginDialog)
        assert "Demo Cashier" not in j.window.cashier_chip.text()
        assert j.view.total_caption.text() not in ("Paid", "Change due")
        assert "Sale" not in j.message() and "saved" not in j.message()
        yield j.choose(login.names, "Demo Manager")
        yield j.pin(login, "9999")
        yield j.closed(login)
        assert j.window.cashier_chip.text() == "Cashier: Demo Manager"

    journey.run(steps)


def test_cash_tapped_on_the_number_pad(journey):
    """A touch screen: the cashier taps 20 on the pad (it replaces the proposed exact amount)."""

    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F12)
        dialog = yield j.modal(PayCashDialog)
        for key in "20":
            yield j.click(dialog.pad.buttons[key])
        assert dialog.entry.text() == "20"
        yield j.click(j.button(dialog, "Pay"))
        yield j.closed(dialog)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        assert j.view.total_caption.text() == "Change due"

    journey.run(steps)
