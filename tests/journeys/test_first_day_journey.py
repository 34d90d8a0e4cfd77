"""A shop owner's first day, by input events only: an empty data dir, the setup wizard in
German, a sale with no printer yet, a network printer set up and tested on the Devices screen,
and the next receipt printed with the address and VAT id in its header, all without a restart.
Every text the owner reads on the way is German."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWizard

from hardware.escpos_parse import parse_escpos
from pos_desktop.services.demo_data import demo_ean13, write_demo_catalog
from pos_desktop.ui.setup_wizard import SetupWizard
from pos_desktop.ui.views.approval_dialog import ApprovalDialog
from pos_desktop.ui.views.devices_dialog import DevicesDialog, PrinterSetupDialog
from pos_desktop.ui.views.login_dialog import LoginDialog
from pos_desktop.ui.views.shift_dialogs import OpenShiftDialog
from tests.conftest import paper_jobs

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_first_day_from_empty_data_dir_to_a_printed_receipt(first_start_journey, sim_printer):
    def steps(j):
        yield j.start()
        wizard = yield j.modal(SetupWizard)
        next_button = wizard.button(QWizard.WizardButton.NextButton)
        # Language: Deutsch. Country: Germany (EUR, 19 % / 7 %, prices include VAT).
        yield j.choose(wizard.language_page.language, "Deutsch")
        yield j.click(next_button)
        yield j.choose(wizard.country_page.country, "Deutschland")
        assert "19 %" in wizard.country_page.summary.text()
        yield j.click(next_button)
        # The store: typed by a person, field by field.
        page = wizard.store_page
        yield j.tap(page.name)
        yield j.type("Eckladen Berlin")
        yield j.tap(page.address)
        yield j.type("Hauptstr. 5")
        yield j.key(Qt.Key.Key_Return)
        yield j.type("10115 Berlin")
        yield j.tap(page.tax_id)
        yield j.type("DE123456789")
        assert page.currency.text() == "EUR"  # from the country
        yield j.click(next_button)
        yield j.tap(wizard.receipt_page.header)
        yield j.type("Open Mon-Sat 8-20")
        yield j.click(next_button)
        # The first administrator, PIN twice on the pad (Enter on the pad goes on).
        yield j.tap(wizard.admin_page.name)
        yield j.type("Ola Owner")
        yield j.pin(wizard, "135790")
        yield j.pin(wizard, "135790")
        yield j.until(lambda: wizard.currentPage() is wizard.devices_page, what="devices page")
        # No printer yet: Finish with "No receipt printer".
        yield j.click(wizard.button(QWizard.WizardButton.FinishButton))

        login = yield j.modal(LoginDialog, timeout_s=15)
        assert "Ola Owner" in login.names.currentText()
        assert j.db_one("SELECT count(*) FROM setup_progress") == 0  # no wizard next start
        yield j.pin(login, "135790")
        opening = yield j.modal(OpenShiftDialog, timeout_s=10)
        yield j.click(opening.ok_button)
        yield j.closed(opening)
        write_demo_catalog(j.db, 20)  # the catalogue: imported by the owner (another screen)

        # A sale without a printer: saved, no question, the receipt can be looked at.
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        yield j.until(lambda: "Kein Bondrucker" in j.message(), what="no-printer note")
        assert j.db_one("SELECT status FROM print_job") == "held"

        # Devices: a network printer (the simulator on 127.0.0.1), Test, Save.
        yield j.key(Qt.Key.Key_D, CTRL_SHIFT)
        devices = yield j.modal(DevicesDialog)
        yield j.click(j.button(devices, "Ändern..."))  # the first row: the receipt printer
        approval = yield j.modal(ApprovalDialog)  # changing a device: the admin's own PIN
        yield j.pin(approval, "135790")
        editor = yield j.modal(PrinterSetupDialog)
        setup = editor.setup
        yield j.choose(setup.connection, "Netzwerk")
        yield j.tap(setup.host)
        yield j.type("127.0.0.1")
        yield j.tap(setup.port)
        yield j.key(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        yield j.type(str(sim_printer.port))
        yield j.click(setup.test_button)
        yield j.until(lambda: "Testseite gedruckt" in setup.result.text(), timeout_s=10,
                      what="test page")  # fmt: skip
        assert len(paper_jobs(sim_printer)) == 1
        yield j.click(j.button(editor, "Speichern"))
        yield j.closed(editor)
        assert "ab jetzt" in devices.message.text()
        yield j.click(next(b for b in devices.findChildren(QPushButton) if b.text() == "Schließen"))
        yield j.closed(devices)

        # The next sale prints, header and all, on the printer set up a minute ago.
        yield j.scan(demo_ean13(2))
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: len(paper_jobs(sim_printer)) == 2, timeout_s=10, what="receipt")
        lines = parse_escpos(paper_jobs(sim_printer)[1]).lines
        text = "\n".join(lines)
        assert "Eckladen Berlin" in text
        assert "Hauptstr. 5" in text and "10115 Berlin" in text
        assert "USt-IdNr. DE123456789" in text
        assert "Open Mon-Sat 8-20" in text
        assert "SUMME" in text and "TOTAL" not in text  # the receipt speaks German too
        assert j.window.printer_chip.text().startswith("Drucker")
        assert "keiner" not in j.window.printer_chip.text()

    first_start_journey.run(steps, timeout_s=90)
