"""A German (or French) till shows the rules' refusals in its own language, by input events
only: a discount of 150 % typed at the keyboard, a wrong approver PIN on the pad, the reasons and
the action's name in the approval dialog, the approval policy table in Store settings (issue 15,
"every string a person sees")."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.storage.settings_repo import save_settings
from pos_desktop.ui.views.approval_dialog import ApprovalDialog
from pos_desktop.ui.views.discount_dialog import DiscountDialog
from pos_desktop.ui.views.store_settings_dialog import StoreSettingsDialog
from tests.journeys.conftest import Journey, _open_window
from tests.journeys.test_approvals_journey import switch_to

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def speaking_journey(request, qtbot, qapp, till, sim_printer, key_clock):
    """The demo till (Demo Cashier, a shift open) of a store whose language is ``request.param``,
    saved as Store settings > Language saves it before the till starts."""
    settings = replace(till.settings, language=request.param)
    save_settings(till.db, settings)
    till.use_store_settings(settings, till.checkout.checkout_settings)
    window, wedge = _open_window(qtbot, qapp, till, sim_printer, key_clock)
    window.staff.demo = True
    window.staff.start()
    yield Journey(qtbot, window, wedge, key_clock, till)
    window.staff.idle.stop()
    qapp.removeEventFilter(window.staff)
    qapp.removeEventFilter(wedge)


@pytest.mark.parametrize("speaking_journey", ["de"], indirect=True)
def test_a_german_till_refuses_in_german(speaking_journey):
    def steps(j):
        yield j.scan("4006381333931")  # a real EAN the store does not sell
        yield j.until(lambda: "4006381333931" in j.message(), what="the unknown barcode")
        assert j.message().startswith("Kein Produkt hat den Barcode 4006381333931")
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F10)
        discount = yield j.modal(DiscountDialog)
        yield j.type("150")
        yield j.key(Qt.Key.Key_Return)
        yield j.until(lambda: discount.message.text(), what="the refusal")
        assert discount.message.text() == (
            "Ein Rabatt von 150 % ist nicht möglich: 0-100 % verwenden."
        )
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(discount)

        yield j.key(Qt.Key.Key_F3)  # void the line: the cashier needs a manager's PIN
        dialog = yield j.modal(ApprovalDialog)
        texts = [dialog.reason.itemText(i) for i in range(dialog.reason.count())]
        assert "Versehentlich gescannt" in texts and "Scanned by mistake" not in texts
        assert dialog.findChild(QLabel, "totalCaption").text() == "Freigeben: Position stornieren"
        yield j.choose(dialog.approver, "Demo Manager")
        yield j.pin(dialog, "0000")
        yield j.until(lambda: dialog.message.text(), what="the wrong PIN")
        assert dialog.message.text().startswith("Falsche PIN für Demo Manager")
        assert "Wrong PIN" not in dialog.message.text()
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)
        assert j.cart_names() != []  # nothing was voided

    speaking_journey.run(steps)


@pytest.mark.parametrize("speaking_journey", ["fr"], indirect=True)
def test_a_french_till_refuses_in_french(speaking_journey):
    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F10)
        discount = yield j.modal(DiscountDialog)
        yield j.type("150")
        yield j.key(Qt.Key.Key_Return)
        yield j.until(lambda: discount.message.text(), what="the refusal")
        assert discount.message.text() == "Une remise de 150 % est impossible : utilisez 0-100 %."
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(discount)

    speaking_journey.run(steps)


@pytest.mark.parametrize("speaking_journey", ["de"], indirect=True)
def test_a_german_manager_reads_the_approval_policy_in_german(speaking_journey):
    def steps(j):
        yield from switch_to(j, "Demo Manager", "9999")
        yield j.key(Qt.Key.Key_S, CTRL_SHIFT)
        settings = yield j.modal(StoreSettingsDialog)
        bar = settings.tabs.tabBar()
        tab = next(i for i in range(bar.count()) if bar.tabText(i) == "Freigaben")
        yield j.click_at(bar, bar.tabRect(tab).center())
        table = settings.policy_page.table
        rows = [table.verticalHeaderItem(r).text() for r in range(table.rowCount())]
        assert "Position stornieren" in rows and "Rückgabe ohne Bon" in rows
        assert "Void a line" not in rows and "Z-Bericht" in rows and "Verkaufen" in rows
        columns = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
        assert columns[0] == "Kassierer" and columns[-1] == "Zweite Person"
        assert settings.policy_page.cell("void_line", "cashier").currentData() == "approval"
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(settings)

    speaking_journey.run(steps)
