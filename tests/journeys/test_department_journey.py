"""Selling without a barcode: a department at an entered price; an unknown barcode sold as one."""

from PySide6.QtCore import Qt

from pos_desktop.ui.views.department_dialog import DepartmentDialog
from pos_desktop.ui.widgets.amount_pad import AmountPad

CTRL = Qt.KeyboardModifier.ControlModifier
UNKNOWN = "4006381333931"  # a valid EAN-13 that no demo product has


def test_sell_4_20_in_bakery_with_the_keyboard(journey, till):
    till.departments.seed_demo()

    def steps(j):
        yield j.key(Qt.Key.Key_D, CTRL)
        dialog = yield j.modal(DepartmentDialog)
        assert dialog.chosen_code() == "BAKERY"
        yield j.type("4.20")
        yield j.key(Qt.Key.Key_Return)
        yield j.closed(dialog)
        assert j.cart_names() == ["Bakery"]
        assert "4.20" in j.view.total_label.text()
        yield j.key(Qt.Key.Key_F5)  # exact cash
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        line = j.db_one("SELECT product_id, sku, amount_minor, tax_code FROM sale_line")
        assert line == ("department:BAKERY", "DEPT-BAKERY", 420, "B")

    journey.run(steps)


def test_a_price_above_the_department_limit_is_refused_with_the_reason(journey, till):
    till.departments.seed_demo()

    def steps(j):
        yield j.key(Qt.Key.Key_D, CTRL)
        dialog = yield j.modal(DepartmentDialog)
        yield j.key(Qt.Key.Key_Down)
        assert dialog.chosen_code() == "DELI"
        yield j.type("4200")
        yield j.key(Qt.Key.Key_Return)
        assert dialog.isVisible() and "above the highest price" in dialog.message.text()
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)
        assert j.cart_names() == []

    journey.run(steps)


def test_an_unknown_barcode_is_recorded_and_sold_as_a_department_item(journey, till):
    till.departments.seed_demo()

    def steps(j):
        yield j.scan(UNKNOWN)
        assert j.cart_names() == [] and "Ctrl+D" in j.message()
        yield j.scan(UNKNOWN)
        yield j.key(Qt.Key.Key_D, CTRL)
        dialog = yield j.modal(DepartmentDialog)
        for _ in range(3):
            yield j.key(Qt.Key.Key_Down)
        assert dialog.chosen_code() == "MISC"
        pad = dialog.findChild(AmountPad)
        for key in ("2", ".", "5", "0", "Enter"):  # tapped on the pad
            yield j.click(pad.buttons[key])
        yield j.closed(dialog)
        assert j.cart_names() == ["Miscellaneous"]
        row = j.db_one("SELECT code, times_scanned, sold_as FROM unknown_barcode")
        assert row == ("0" + UNKNOWN, 2, "MISC")
        assert j.db_one("SELECT gtin FROM barcode WHERE gtin = ?", ("0" + UNKNOWN,)) is None

    journey.run(steps)
    listed = till.departments.unknown_barcodes()
    assert [(u.code, u.times_scanned) for u in listed] == [("0" + UNKNOWN, 2)]
