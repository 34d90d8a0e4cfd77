"""Shifts and cash at the till, by input events only: refunds, a closed shift, a cashier switch."""

from PySide6.QtCore import Qt

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.approval_dialog import ApprovalDialog
from pos_desktop.ui.views.login_dialog import LoginDialog
from pos_desktop.ui.views.returns_view import ReturnsDialog
from pos_desktop.ui.views.shift_dialogs import CloseShiftDialog, OpenShiftDialog, ReportViewerDialog

DEMO_FLOAT = {100: 2, 200: 2, 500: 2, 1000: 2, 2000: 2}  # what --demo opens with: 76.00


def count_drawer(j, counter, pieces):
    """Type each note/coin count into its spin box, as a person counting the drawer."""
    for value, n in pieces.items():
        yield j.fill(counter.spins[value], str(n))


def x_report(j):
    """F9 shows the X report; Esc closes it. Returns its figures and the texts on screen."""
    yield j.key(Qt.Key.Key_F9)
    viewer = yield j.modal(ReportViewerDialog)
    shown = viewer.view.texts()
    yield j.key(Qt.Key.Key_Escape)
    yield j.closed(viewer)
    return viewer.report.data, shown


def test_a_cash_refund_is_not_a_shortage_on_the_x_report(journey):
    def steps(j):
        float_minor = j.db_one("SELECT float_minor FROM shift WHERE status = 'open'")
        yield j.scan(demo_ean13(4))  # Butter 2.89
        yield j.key(Qt.Key.Key_F5)  # exact cash
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        yield j.key(Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        returns = yield j.modal(ReturnsDialog)
        # The receipt's barcode: a HID scanner presses Shift before each of R and T.
        yield j.scan("RT01-00000001")
        yield j.until(lambda: returns.sale is not None, what="receipt loaded")
        assert returns.entry.text() == ""  # no capital leaked into the field
        yield j.key(Qt.Key.Key_F5)  # return everything
        yield j.key(Qt.Key.Key_F12)  # refund: the cashier needs a manager
        approval = yield j.modal(ApprovalDialog)
        yield j.pin(approval, "9999")
        yield j.until(lambda: j.db_one("SELECT count(*) FROM refund") == 1, what="refund saved")
        yield j.closed(returns)
        data, shown = yield from x_report(j)
        # The butter's cash came in and went back out: the drawer holds the float again.
        assert data["expected_cash_minor"] == float_minor
        assert data["cash_refunds"] == {"count": 1, "amount_minor": 289}
        expected = shown.index("Expected")
        assert "76.00" in shown[expected + 1 : expected + 3]  # the Cash section's amount

    journey.run(steps)


def test_after_the_close_a_scan_asks_for_a_new_shift_first(journey):
    def steps(j):
        yield j.menu("Staff", "Close shift")
        close = yield j.modal(CloseShiftDialog)
        yield from count_drawer(j, close.counter, DEMO_FLOAT)
        yield j.click(close.ok_button)
        z_viewer = yield j.modal(ReportViewerDialog)
        assert z_viewer.report.kind == "Z"
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(z_viewer)
        assert "No shift open" in j.window.shift_chip.text()

        yield j.scan(demo_ean13(1))
        opener = yield j.modal(OpenShiftDialog)  # asked at the till, for the user logged in
        assert j.cart_names() == []  # nothing is rung up into no shift
        yield from count_drawer(j, opener.counter, {1000: 5})
        yield j.click(opener.ok_button)
        yield j.closed(opener)
        yield j.until(lambda: j.cart_names() == ["Whole milk 1L"], what="the scan rang up")
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        shift_id, float_minor = j.db_one("SELECT id, float_minor FROM shift WHERE status = 'open'")
        assert float_minor == 5000
        assert j.db_one("SELECT shift_id FROM sale") == shift_id
        assert "Shift 2 open" in j.window.shift_chip.text()

    journey.run(steps)


def test_cancelling_the_open_shift_dialog_rings_nothing_up(journey):
    def steps(j):
        yield j.menu("Staff", "Close shift")
        close = yield j.modal(CloseShiftDialog)
        yield from count_drawer(j, close.counter, DEMO_FLOAT)
        yield j.click(close.ok_button)
        z_viewer = yield j.modal(ReportViewerDialog)
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(z_viewer)
        yield j.scan(demo_ean13(1))
        opener = yield j.modal(OpenShiftDialog)
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(opener)
        assert j.cart_names() == []
        assert "shift" in j.message().lower()

    journey.run(steps)


def test_switching_cashier_keeps_the_shift_and_the_report_says_whose_sales(journey):
    def steps(j):
        yield j.scan(demo_ean13(1))  # Whole milk 1.29, by Demo Cashier
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="first sale")
        yield j.key(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # lock / switch
        login = yield j.modal(LoginDialog)
        yield j.choose(login.names, "Demo Manager")
        yield j.pin(login, "9999")
        yield j.closed(login)
        yield j.scan(demo_ean13(3))  # Oat drink 1.99, by Demo Manager
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 2, what="second sale")
        shifts = j.db_one("SELECT count(DISTINCT shift_id) FROM sale")
        assert shifts == 1 and j.db_one("SELECT count(*) FROM shift") == 1
        data, _shown = yield from x_report(j)
        by_name = {c["cashier"]: c for c in data["cashiers"]}
        assert by_name["Demo Cashier"]["count"] == 1
        assert by_name["Demo Cashier"]["amount_minor"] == 129
        assert by_name["Demo Cashier"]["cash_minor"] == 129
        assert by_name["Demo Manager"]["count"] == 1
        assert by_name["Demo Manager"]["cash_minor"] == 199
        manager = _shown.index("Demo Manager")  # on screen: whose sales, and the cash they took
        assert "cash taken" in " ".join(_shown[manager : manager + 6])

    journey.run(steps)


def test_no_sale_with_no_shift_keeps_the_drawer_shut(journey, sim_printer):
    def steps(j):
        yield j.menu("Staff", "Close shift")
        close = yield j.modal(CloseShiftDialog)
        yield from count_drawer(j, close.counter, DEMO_FLOAT)
        yield j.click(close.ok_button)
        z_viewer = yield j.modal(ReportViewerDialog)
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(z_viewer)
        kicks = j.db_one("SELECT count(*) FROM drawer_event")
        yield j.key(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # no sale
        yield j.wait(200)
        assert "drawer stays shut" in j.message()
        assert j.db_one("SELECT count(*) FROM drawer_event") == kicks
        assert j.db_one("SELECT count(*) FROM cash_movement") == 0

    journey.run(steps)
