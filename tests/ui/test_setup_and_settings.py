"""The setup wizard resumes where it was left; Store settings save together and apply live;
Quit is for a manager."""

from __future__ import annotations

import socket

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard

from pos_desktop.config import load_config
from pos_desktop.domain.staff import Action
from pos_desktop.storage.db import open_database
from pos_desktop.storage.settings_repo import load_settings
from pos_desktop.storage.setup_progress_repo import load_progress
from pos_desktop.ui.setup_wizard import SetupWizard, needs_setup
from pos_desktop.ui.tasks import InlineTaskRunner
from pos_desktop.ui.views.store_settings_dialog import StoreSettingsDialog
from tests.approvals import approval
from tests.waits import EVENTUALLY_MS


def open_db(tmp_path):
    return open_database(tmp_path / "till.sqlite")


def test_wizard_left_half_way_resumes_on_the_same_page(qtbot, tmp_path):
    db = open_db(tmp_path)
    wizard = SetupWizard(db, tmp_path, InlineTaskRunner())
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.country_page.country.setCurrentIndex(wizard.country_page.country.findData("CH"))
    wizard.next()
    wizard.store_page.name.setText("Fromagerie")
    wizard.store_page.tax_id.setText("CHE-1")
    wizard.next()
    assert wizard.currentPage() is wizard.receipt_page
    assert wizard.store_page.currency.text() == "CHF"  # the country's currency
    wizard.reject()  # the owner closes the window
    assert needs_setup(db) and load_settings(db) is None

    again = SetupWizard(db, tmp_path, InlineTaskRunner())
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: again.currentPage() is again.receipt_page, timeout=3000)
    assert again.store_page.name.text() == "Fromagerie"
    assert again.country_page.country.currentData() == "CH"
    db.close()


def test_admin_pin_is_typed_twice_and_a_short_one_needs_a_second_yes(qtbot, tmp_path):
    db = open_db(tmp_path)
    wizard = SetupWizard(db, tmp_path, InlineTaskRunner())
    qtbot.addWidget(wizard)
    wizard.show()
    for _ in range(3):
        if wizard.currentPage() is wizard.store_page:
            wizard.store_page.name.setText("Shop")
        wizard.next()
    wizard.next()
    page = wizard.admin_page
    assert wizard.currentPage() is page
    page.name.setText("Ann")
    pad = page.pad
    for digits in ("1234", "1243"):
        for d in digits:
            pad.buttons[d].click()
        pad.buttons["Enter"].click()
    assert "differ" in page.message.text() and wizard.currentPage() is page
    for _ in range(2):
        for d in "1234":
            pad.buttons[d].click()
        pad.buttons["Enter"].click()
    assert "6 digits are recommended" in page.message.text() and wizard.currentPage() is page
    pad.buttons["Enter"].click()  # "press Next again to keep it"
    assert wizard.currentPage() is wizard.devices_page
    assert "admin" in db.execute_sql("SELECT role FROM staff_user").fetchone()[0]
    assert db.execute_sql("SELECT pin_hash FROM staff_user").fetchone()[0].startswith("$argon2")
    assert "1234" not in str(load_progress(db))  # the PIN is never kept in plain text
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert not needs_setup(db) and load_settings(db).name == "Shop"
    db.close()


def test_store_settings_save_together_and_apply_to_the_till(qtbot, till_window, till):
    window, _wedge, _bridge = till_window
    dialog = StoreSettingsDialog(till, window, approval=approval(till.auth, Action.STORE_SETTINGS))
    qtbot.addWidget(dialog)
    dialog.address.setPlainText("9 Quay Street\nGalway")
    dialog.tax_id.setText("IE1234567T")
    dialog.cash_rounding.setText("0.05")
    dialog.discount_limit.setText("25")
    dialog.tenders.item(2, 1).setCheckState(Qt.CheckState.Checked)  # Cheque opens the drawer
    dialog.idle_lock.setValue(2)
    dialog.discount_limit.setText("250")
    dialog.on_save_clicked()
    assert "from 0 to 100" in dialog.message.text()
    assert till.checkout.checkout_settings.cash_increment_minor == 1  # nothing saved
    dialog.discount_limit.setText("25")
    dialog.on_save_clicked()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert till.settings.tax_id == "IE1234567T"
    assert till.checkout.checkout_settings.cash_increment_minor == 5
    assert till.printing.drawer.tenders == ("Cheque",)
    assert load_config(till.config.data_dir).lock_after_idle_s == 120
    assert window.staff.idle.interval() == 120_000


def test_quit_needs_a_manager_and_an_empty_sale(qtbot, till_window, till, monkeypatch):
    from pos_desktop.domain.staff import Role

    window, _wedge, _bridge = till_window
    till.auth.add_user("Cass", Role.CASHIER, "246802")
    window.staff.set_user(till.auth.login("Cass", "246802"))
    quits = []
    monkeypatch.setattr(QApplication.instance(), "quit", lambda: quits.append(True))
    window.on_quit_triggered()
    assert quits == [] and "Only a manager" in window.checkout_view.message.text()
    till.auth.add_user("Mia", Role.MANAGER, "135791")
    window.staff.set_user(till.auth.login("Mia", "135791"))
    window.on_quit_triggered()
    assert quits == [True]


def test_wizard_printer_page_tests_a_network_printer_and_saves_it(qtbot, tmp_path, sim_printer):
    from tests.conftest import paper_jobs

    db = open_db(tmp_path)
    wizard = SetupWizard(db, tmp_path, InlineTaskRunner())
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.next()
    wizard.store_page.name.setText("Shop")
    wizard.next()
    wizard.next()
    wizard.admin_page.name.setText("Ann")
    wizard.admin_page.pin.setText("135790")
    wizard.admin_page.repeat.setText("135790")
    wizard.next()
    setup = wizard.devices_page.printer
    setup.connection.setCurrentIndex(setup.connection.findData("network"))
    setup.host.setText("127.0.0.1")
    with socket.socket() as closed:  # bound, never listening: connections are refused
        closed.bind(("127.0.0.1", 0))
        setup.port.setValue(closed.getsockname()[1])
        setup.test_button.click()
    assert "Test failed" in setup.result.text()
    setup.port.setValue(sim_printer.port)
    setup.test_button.click()
    assert "Test page printed" in setup.result.text()
    # the simulator files a job when the printer's connection closes, on its own thread
    qtbot.waitUntil(lambda: len(paper_jobs(sim_printer)) == 1, timeout=EVENTUALLY_MS)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert load_config(tmp_path).printer.uri == f"tcp://127.0.0.1:{sim_printer.port}"
    assert not needs_setup(db)
    db.close()
