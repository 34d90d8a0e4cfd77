"""Scanner input as a USB HID scanner sends it: Shift (or AltGr) held for some characters, every
key at scanner speed, Enter last. Each code must arrive whole wherever the cashier is."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.services.pricing_service import seed_demo_promotions
from pos_desktop.services.receipts import receipt_code
from pos_desktop.ui.views.returns_view import ReturnsDialog
from pos_desktop.ui.views.tender_dialog import TenderDialog


@pytest.fixture
def vouchers(till):
    """The demo vouchers GIFT-1000 and GIFT-5000 (as ``pos-desktop --demo`` seeds them)."""
    seed_demo_promotions(till.db)


def entry_spy(journey) -> list[str]:
    """Every text the checkout's entry field shows: a scan must never pass through it."""
    seen: list[str] = []
    journey.view.entry.textChanged.connect(seen.append)
    return seen


def item_name(till, n: int) -> str:
    return till.catalog.find_by_sku(f"SKU{n:07d}").name


@pytest.mark.parametrize("layout", ["us", "de"])
def test_sku_with_capitals_is_rung_up_whole(journey, layout):
    def steps(j):
        yield j.scan("SKU0000005", layout=layout)
        assert j.cart_names() == [item_name(j.till, 5)], j.message()
        assert j.view.entry.text() == ""

    journey.run(steps)


def test_lower_case_sku_typed_by_a_person_finds_the_item(journey):
    def steps(j):
        yield j.type("sku0000005")
        yield j.key(Qt.Key.Key_Return)
        assert j.cart_names() == [item_name(j.till, 5)], j.message()

    journey.run(steps)


def test_altgr_characters_stay_in_the_scan(journey):
    """On a German layout '@' is AltGr+Q (Ctrl+Alt for the application): still the same scan."""

    def steps(j):
        seen = entry_spy(j)
        yield j.scan("CODE@2024/X", layout="de")
        assert "'CODE@2024/X'" in j.message()  # the whole code reached the lookup
        assert seen == [] and j.cart_names() == []

    journey.run(steps)


def test_gs1_128_with_fnc1_reaches_the_gs1_parser(journey):
    gtin14 = demo_ean13(5).zfill(14)

    def steps(j):
        seen = entry_spy(j)
        yield j.scan(f"]C101{gtin14}10LOT7\x1d21SERIAL")
        assert j.cart_names() == [item_name(j.till, 5)], j.message()
        assert seen == []

    journey.run(steps)


def test_receipt_barcode_scanned_in_returns_loads_the_sale(journey):
    code = receipt_code(journey.till.settings.terminal_id, 1)
    assert code == "RT01-00000001"

    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F5)  # exact cash: sale 1
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        yield j.key(Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        dialog = yield j.modal(ReturnsDialog)
        yield j.scan(code)
        assert dialog.sale is not None, dialog.message.text()
        assert dialog.title.text().startswith("Receipt 1")
        assert dialog.entry.text() == ""
        assert j.cart_names() == []  # nothing rang up behind the dialog
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)

    journey.run(steps)


def test_voucher_scanned_in_the_payment_dialog_pays(journey, vouchers):
    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F1)
        dialog = yield j.modal(TenderDialog)
        yield j.scan("GIFT-5000")
        yield j.closed(dialog)  # the voucher covered it all: the sale is paid
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        assert j.cart_names() == []
        left = j.db_one("SELECT balance_minor FROM gift_voucher WHERE code = 'GIFT-5000'")
        assert left < 5000

    journey.run(steps)


def test_lower_case_voucher_code_typed_in_the_payment_dialog(journey, vouchers):
    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F1)
        dialog = yield j.modal(TenderDialog)
        yield j.click(dialog.buttons["voucher"])  # empty field: it takes the focus
        yield j.type("gift-5000")
        yield j.key(Qt.Key.Key_F6)
        yield j.closed(dialog)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")

    journey.run(steps)


def refused_notice(dialog):
    from PySide6.QtWidgets import QLabel

    notice = dialog.findChild(QLabel, "scanRefused")
    return notice.text() if notice is not None and notice.isVisible() else ""


def test_scan_behind_the_cash_dialog_is_refused_on_the_dialog(journey):
    from pos_desktop.ui.views.pay_cash_dialog import PayCashDialog

    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F12)
        dialog = yield j.modal(PayCashDialog)
        before = dialog.entry.text()
        yield j.scan("SKU0000005")
        assert "SKU0000005 was NOT added" in refused_notice(dialog)
        assert dialog.entry.text() == before and dialog.isVisible()
        assert j.cart_names() == [item_name(j.till, 1)]
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)
        assert j.cart_names() == [item_name(j.till, 1)]

    journey.run(steps)


def test_scan_while_asking_for_a_quantity_is_refused(journey):
    from PySide6.QtWidgets import QApplication, QInputDialog

    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F2)  # nothing typed: the quantity dialog asks
        dialog = yield j.modal(QInputDialog)
        yield j.scan(demo_ean13(3))
        assert demo_ean13(3) in refused_notice(dialog)
        assert dialog.textValue() == "1"
        yield j.key(Qt.Key.Key_Escape)
        yield j.until(lambda: QApplication.activeModalWidget() is None, what="dialog closed")
        assert j.cart_names() == [item_name(j.till, 1)]

    journey.run(steps)


def test_scan_while_a_manager_approves_is_refused(journey):
    from pos_desktop.ui.views.approval_dialog import ApprovalDialog

    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F4)  # cancel sale: asks first, then wants a manager
        question = yield j.modal()
        yield j.scan(demo_ean13(3))
        assert demo_ean13(3) in refused_notice(question)
        yield j.click(j.button(question, "Yes"))
        dialog = yield j.modal(ApprovalDialog)
        yield j.scan(demo_ean13(3))
        assert demo_ean13(3) in refused_notice(dialog)
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)
        assert j.cart_names() == [item_name(j.till, 1)]

    journey.run(steps)


def test_sku_scanned_in_a_return_without_receipt(journey):
    def steps(j):
        yield j.key(Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        dialog = yield j.modal(ReturnsDialog)
        yield j.click(dialog.buttons["no_receipt"])  # no receipt: scan the returned items
        yield j.scan("SKU0000005", layout="de")
        items = [item.sku for item, _qty in dialog.no_receipt_items]
        assert items == ["SKU0000005"], dialog.message.text()
        assert dialog.entry.text() == "" and j.cart_names() == []
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)

    journey.run(steps)


def test_voucher_code_scanned_at_the_checkout_is_named_whole(journey):
    def steps(j):
        yield j.scan("GIFT-5000")
        assert "'GIFT-5000'" in j.message() and j.cart_names() == []

    journey.run(steps)
