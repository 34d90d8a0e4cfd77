"""The keys the README documents, as a cashier presses them: Del, arrows, F2 after a click,
typing after a menu was closed with Esc."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.approval_dialog import ApprovalDialog


def selected_row(j) -> int | None:
    rows = j.view.table.selectionModel().selectedRows()
    return rows[0].row() if rows else None


def quantities(j) -> list[str]:
    model = j.view.model
    return [str(model.index(r, 1).data()) for r in range(model.rowCount())]


def three_items(j):
    for n in (1, 3, 4):
        yield j.scan(demo_ean13(n))
    assert selected_row(j) == 2  # the last scanned line is selected


def approve_as_manager(j):
    dialog = yield j.modal(ApprovalDialog)
    yield j.choose(dialog.approver, "Demo Manager")
    yield j.pin(dialog, "9999")
    yield j.closed(dialog)


def test_arrows_and_page_keys_move_the_selected_line(journey):
    def steps(j):
        yield from three_items(j)
        yield j.key(Qt.Key.Key_Up)
        assert selected_row(j) == 1
        yield j.key(Qt.Key.Key_Up)
        yield j.key(Qt.Key.Key_Up)  # stays on the first line
        assert selected_row(j) == 0
        yield j.key(Qt.Key.Key_Down)
        assert selected_row(j) == 1
        yield j.key(Qt.Key.Key_PageDown)
        assert selected_row(j) == 2
        yield j.key(Qt.Key.Key_PageUp)
        assert selected_row(j) == 0
        assert j.view.entry.hasFocus()  # the entry keeps the keyboard for the next scan

    journey.run(steps)


def test_del_removes_the_selected_line(journey):
    def steps(j):
        yield from three_items(j)
        names = j.cart_names()
        yield j.key(Qt.Key.Key_Up)
        yield j.key(Qt.Key.Key_Delete)
        yield from approve_as_manager(j)
        assert j.cart_names() == [names[0], names[2]], j.message()

    journey.run(steps)


def test_quantity_applies_to_the_selected_line(journey):
    def steps(j):
        yield from three_items(j)
        yield j.key(Qt.Key.Key_Up)
        yield j.key(Qt.Key.Key_Up)
        yield j.type("4")
        yield j.key(Qt.Key.Key_F2)
        assert quantities(j)[0].startswith("4"), (quantities(j), j.message())

    journey.run(steps)


def test_quantity_typed_quickly_after_clicking_a_row_then_f2(journey):
    def steps(j):
        yield from three_items(j)
        yield j.click_row(j.view.table, 0)
        assert selected_row(j) == 0
        yield j.type("3", gap_s=0.01, then=Qt.Key.Key_F2)
        assert QApplication.activeModalWidget() is None  # no "new quantity" dialog asked
        assert quantities(j)[0].startswith("3"), (quantities(j), j.message())
        assert j.view.entry.text() == ""

    journey.run(steps)


def test_typing_works_after_a_menu_is_closed_with_esc(journey):
    def steps(j):
        bar = j.window.menuBar()
        title = bar.actionGeometry(j.window.till_menu.menuAction()).center()
        yield j.click_at(bar, title)
        yield j.until(lambda: QApplication.activePopupWidget(), what="the menu is open")
        yield j.key(Qt.Key.Key_Escape, to=QApplication.activePopupWidget())
        yield j.until(lambda: QApplication.activePopupWidget() is None, what="menu closed")
        yield j.wait(30)
        yield j.type("123")
        assert j.view.entry.text() == "123"

    journey.run(steps)
