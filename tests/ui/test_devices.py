"""Printer trouble, reprints, the Devices screen and a serial scanner, on the real window."""

from decimal import Decimal

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from hardware.escpos_parse import parse_escpos
from hardware.simulators.scanner_serial import SimulatedSerialScanner
from pos_desktop.config import ScannerConfig, TillConfig, load_config
from pos_desktop.container import Overrides, build_container
from pos_desktop.domain.money import Money
from pos_desktop.services.demo_data import demo_ean13, write_demo_catalog
from pos_desktop.ui.qt_app import build_window
from pos_desktop.ui.views.devices_dialog import DevicesDialog, EditDeviceDialog
from tests.approvals import approver
from tests.conftest import FixedClock, open_test_shift, paper_jobs
from tests.waits import EVENTUALLY_MS


def test_paper_out_sale_saved_then_reprint_copy(qtbot, till_window, till, sim_printer):
    window, _wedge, _bridge = till_window
    sim_printer.paper_out = True
    window.checkout_view.add_code(demo_ean13(1))

    def cashier_fixes_paper_then_reprints():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            sim_printer.paper_out = False  # new roll in
            next(b for b in box.buttons() if b.text().startswith("No: reprint")).click()
            return
        QTimer.singleShot(50, cashier_fixes_paper_then_reprints)

    QTimer.singleShot(50, cashier_fixes_paper_then_reprints)
    window.checkout_view.on_quick_cash(0)
    assert till.sales.count() == 1  # the sale is saved whatever the printer does

    def printed():
        return paper_jobs(sim_printer)

    qtbot.waitUntil(lambda: len(printed()) == 1, timeout=8000)
    assert b"*** COPY ***" in printed()[0]  # the refused job printed nothing
    qtbot.waitUntil(
        lambda: (
            till.db.execute_sql(
                "SELECT COUNT(*) FROM print_job WHERE status = 'printed'"
            ).fetchone()[0]
            == 1
        ),
        timeout=EVENTUALLY_MS,
    )
    rows = dict(till.db.execute_sql("SELECT kind, status FROM print_job").fetchall())
    assert rows == {"receipt": "failed", "reprint": "printed"}
    assert not any(
        type(e).__name__ == "DrawerPulse" for e in parse_escpos(paper_jobs(sim_printer)[0]).events
    )
    assert till.printing.undecided_jobs() == []  # answered once, never asked again


def test_half_printed_job_is_unknown_and_never_repeated_by_itself(qtbot, till, sim_printer):
    till.checkout.scan(demo_ean13(2))
    sale = till.checkout.pay_cash(Money(1000, "EUR"))
    sim_printer.drop_after_bytes = 60  # the link dies mid-receipt
    outcome = till.printing.print_sale(sale).result(timeout=20)
    assert outcome.status == "unknown"
    assert [job_id for job_id, *_ in till.printing.undecided_jobs()] == [outcome.job_id]
    till.printing.mark_printed_ok(outcome.job_id)
    assert till.printing.undecided_jobs() == []
    assert till.db.execute_sql("SELECT COUNT(*) FROM print_job").fetchone()[0] == 1


def test_reprint_last_receipt_menu(qtbot, till_window, till, sim_printer):
    window, _wedge, _bridge = till_window
    window.checkout_view.add_code(demo_ean13(2))
    window.checkout_view.complete_cash(Money(1000, "EUR"))
    qtbot.waitUntil(lambda: len(paper_jobs(sim_printer)) == 1, timeout=EVENTUALLY_MS)
    window.on_reprint_triggered()
    qtbot.waitUntil(lambda: len(paper_jobs(sim_printer)) == 2, timeout=EVENTUALLY_MS)
    first, copy = paper_jobs(sim_printer)
    assert b"*** COPY ***" in copy and b"*** COPY ***" not in first


def test_printer_status_chip_follows_the_printer(qtbot, till_window, sim_printer):
    window, _wedge, _bridge = till_window
    sim_printer.paper_low = True
    window.poll_printer_status()
    qtbot.waitUntil(lambda: "paper low" in window.printer_chip.text(), timeout=EVENTUALLY_MS)
    sim_printer.paper_low, sim_printer.cover_open = False, True
    window.poll_printer_status()
    qtbot.waitUntil(lambda: "cover open" in window.printer_chip.text(), timeout=EVENTUALLY_MS)
    assert window.printer_chip.property("state") == "error"


def test_devices_dialog_tests_and_saves(qtbot, till_window, till, sim_printer, tmp_path):
    window, _wedge, _bridge = till_window
    dialog = DevicesDialog(till, window.tasks, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "ready" in dialog.status["printer"].text(), timeout=EVENTUALLY_MS)
    dialog.on_test_clicked("printer")
    qtbot.waitUntil(lambda: "test page printed" in dialog.message.text(), timeout=EVENTUALLY_MS)
    dialog.on_drawer_clicked()  # nobody logged in: no no-sale, so no drawer (journeys: approved)
    assert "not opened" in dialog.message.text()
    assert till.db.execute_sql("SELECT COUNT(*) FROM drawer_event").fetchone() == (0,)
    window.devices_dialog = dialog
    dialog.on_test_clicked("scanner")
    window.on_scanner_scanned("4006381333931")
    assert "4006381333931" in dialog.message.text()
    assert window.checkout_view.model.rowCount() == 0  # a test scan is not sold

    def fill(edit):
        box = QApplication.activeModalWidget()
        if isinstance(box, EditDeviceDialog):
            box.uri.setText("serial:///dev/ttyUSB7?baudrate=9600&bytesize=7&parity=E")
            box.accept()
            return
        QTimer.singleShot(50, lambda: fill(edit))

    dialog.on_edit_clicked("scale")  # no approval: nothing opens, nothing changes
    assert "Not changed" in dialog.message.text()
    window.staff.approve = approver(till.auth)  # a manager approves (the PIN dialog's part)
    QTimer.singleShot(50, lambda: fill(None))
    dialog.on_edit_clicked("scale")  # discovery runs off the GUI thread, then the editor opens
    qtbot.waitUntil(lambda: load_config(till.config.data_dir).scale is not None, timeout=8000)
    assert load_config(till.config.data_dir).scale.uri.startswith("serial:///dev/ttyUSB7")
    assert "Saved" in dialog.message.text()  # in use now (the port opens when it is read)
    assert till.weighing is not None
    window.devices_dialog = None


def test_serial_scanner_rings_up_items(qtbot, qapp, tmp_path):
    with SimulatedSerialScanner() as scanner_sim:
        config = TillConfig(
            data_dir=tmp_path, demo=True, scanner=ScannerConfig(serial_uri=scanner_sim.uri)
        )
        till = build_container(config, overrides=Overrides(clock=FixedClock()))
        write_demo_catalog(till.db, 20)
        open_test_shift(till)
        window, wedge, _bridge = build_window(till, config, qapp)
        qtbot.addWidget(window)
        till.serial_scanner.wait_connected(5)
        scanner_sim.scan(demo_ean13(3))
        qtbot.waitUntil(lambda: window.checkout_view.model.rowCount() == 1, timeout=EVENTUALLY_MS)
        qapp.removeEventFilter(wedge)
        till.close()


def test_drawer_calibration_learns_the_wiring(qtbot, till_window, till, sim_printer, monkeypatch):
    window, _wedge, _bridge = till_window
    dialog = DevicesDialog(till, window.tasks, window)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    )
    window.staff.approve = approver(till.auth)  # a manager approves (the PIN dialog's part)
    sim_printer.drawer_open = True  # this drawer's sensor reads "high" when it is SHUT
    dialog.on_calibrate_clicked()
    qtbot.waitUntil(lambda: "calibrated and saved" in dialog.message.text(), timeout=EVENTUALLY_MS)
    assert load_config(till.config.data_dir).drawer.open_when_high is False
    status = till.printing.check_status().result(timeout=5)
    assert "drawer_open" not in status.reasons  # shut reads shut now
    sim_printer.drawer_open = False  # the drawer springs open: the level drops
    assert "drawer_open" in till.printing.check_status().result(timeout=5).reasons


def test_a_scale_added_on_the_devices_screen_weighs_without_a_restart(
    qtbot, till_window, till, monkeypatch
):
    from hardware.simulators.scale_toledo import SimulatedScale
    from pos_desktop.services.demo_data import weighed_shelf_code, write_demo_weighed

    window, _wedge, _bridge = till_window
    write_demo_weighed(till.db, till.settings.barcode_region)
    with SimulatedScale(weight_grams=750) as scale:
        dialog = DevicesDialog(till, window.tasks, window)
        qtbot.addWidget(dialog)
        dialog.on_devices_changed = window.on_devices_changed
        window.staff.approve = approver(till.auth)  # a manager approves (the PIN dialog's part)

        def fill():
            box = QApplication.activeModalWidget()
            if isinstance(box, EditDeviceDialog):
                box.uri.setText(scale.uri)
                box.accept()
                return
            QTimer.singleShot(50, fill)

        QTimer.singleShot(50, fill)
        dialog.on_edit_clicked("scale")
        qtbot.waitUntil(lambda: "uses it now" in dialog.message.text(), timeout=8000)
        assert window.checkout_view.weighing is till.weighing
        window.checkout_view.add_code(weighed_shelf_code(1))
        qtbot.waitUntil(lambda: window.checkout_view.model.rowCount() == 1, timeout=8000)
        assert till.checkout.cart.lines[0].quantity == Decimal("0.750")
