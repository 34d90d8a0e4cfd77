"""The setup's language choice, by input events only: Deutsch in the wizard, and the till that
starts speaks German on its buttons, menus and messages, and prints (here: shows) a German
receipt with amounts written the German way."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from pos_desktop.services.demo_data import demo_ean13, write_demo_catalog
from pos_desktop.ui.setup_wizard import SetupWizard
from pos_desktop.ui.views.login_dialog import LoginDialog
from pos_desktop.ui.views.receipt_text_dialog import ReceiptTextDialog
from pos_desktop.ui.views.shift_dialogs import OpenShiftDialog

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_deutsch_in_the_setup_gives_a_german_till_and_receipt(first_start_journey):
    def steps(j):
        yield j.start()
        wizard = yield j.modal(SetupWizard)
        next_button = wizard.button(QWizard.WizardButton.NextButton)
        yield j.choose(wizard.language_page.language, "Deutsch")
        yield j.click(next_button)
        yield j.choose(wizard.country_page.country, "Deutschland")
        yield j.click(next_button)
        yield j.tap(wizard.store_page.name)
        yield j.type("Eckladen")
        yield j.click(next_button)
        yield j.click(next_button)  # no extra receipt lines
        yield j.tap(wizard.admin_page.name)
        yield j.type("Ola")
        yield j.pin(wizard, "135790")
        yield j.pin(wizard, "135790")
        yield j.until(lambda: wizard.currentPage() is wizard.devices_page, what="devices page")
        yield j.click(wizard.button(QWizard.WizardButton.FinishButton))

        login = yield j.modal(LoginDialog, timeout_s=15)
        title = login.windowTitle()
        yield j.pin(login, "135790")
        opening = yield j.modal(OpenShiftDialog, timeout_s=10)
        yield j.click(opening.ok_button)
        yield j.closed(opening)
        write_demo_catalog(j.db, 20)
        assert title == "Anmelden"

        view = j.view
        menus = [a.text() for a in j.window.menuBar().actions()]
        assert "&Kasse" in menus and "&Personal" in menus
        assert view.pay_button.text() == "Bar\n(F12)"
        assert view.card_button.text().startswith("Karte")
        yield j.scan(demo_ean13(1))
        assert view.total_caption.text() == "Summe  (1 Artikel)"
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        yield j.until(lambda: "Kein Bondrucker" in j.message(), what="no-printer note")
        assert j.message().startswith("Verkauf ")

        yield j.key(Qt.Key.Key_R, CTRL_SHIFT)  # show the last receipt
        shown = yield j.modal(ReceiptTextDialog)
        receipt = shown.text.toPlainText()
        assert shown.windowTitle() == "Letzter Bon"
        for word in ("Bon ", "Kasse ", "SUMME", "MwSt.", "Brutto", "Netto", "Bar"):
            assert word in receipt, f"{word!r} not on the receipt:\n{receipt}"
        assert "TOTAL" not in receipt and "Subtotal" not in receipt
        total = j.db_one("SELECT total_minor FROM sale")
        assert f"{total // 100},{total % 100:02d}" in receipt  # 1,99: a decimal comma
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(shown)

    first_start_journey.run(steps, timeout_s=90)
