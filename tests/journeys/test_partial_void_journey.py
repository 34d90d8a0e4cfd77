"""Lowering a line's quantity with F2 is a partial void (issue 11): it needs the same approval as
removing the line, and it is recorded; raising a quantity needs nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.approval_dialog import ApprovalDialog


def quantity(j) -> str:
    return str(j.view.model.index(0, 1).data())


def five_of_one(j):
    """Scan an item, type 5 and F2: raising a quantity asks nobody."""
    yield j.scan(demo_ean13(1))
    yield j.type("5")
    yield j.key(Qt.Key.Key_F2)
    assert QApplication.activeModalWidget() is None, "raising a quantity asked for approval"
    assert quantity(j).startswith("5"), (quantity(j), j.message())


def test_lowering_a_quantity_needs_a_manager_and_is_recorded(journey):
    def steps(j):
        yield from five_of_one(j)
        assert j.db_one("SELECT count(*) FROM void_record") == 0
        yield j.type("2")
        yield j.key(Qt.Key.Key_F2)
        dialog = yield j.modal(ApprovalDialog)
        assert "Whole milk 1L: 5 -> 2" in dialog.detail_text, dialog.detail_text
        names = [dialog.approver.itemData(i) for i in range(dialog.approver.count())]
        assert names == ["Demo Manager"]  # as for removing the line: the cashier may not alone
        yield j.pin(dialog, "9999")
        yield j.closed(dialog)
        assert quantity(j).startswith("2"), (quantity(j), j.message())
        row = j.db_one(
            "SELECT requester, approver, kind, quantity, amount_minor > 0 FROM void_record"
        )
        assert row == ("Demo Cashier", "Demo Manager", "line", "3", 1)
        event = j.db_one(
            "SELECT event, user_name FROM audit_log WHERE event = 'cart.quantity_lowered'"
        )
        assert event == ("cart.quantity_lowered", "Demo Cashier")
        assert "quantity 2" in j.message(), j.message()

    journey.run(steps)


def test_cancelling_the_approval_leaves_the_quantity(journey):
    def steps(j):
        yield from five_of_one(j)
        yield j.type("1")
        yield j.key(Qt.Key.Key_F2)
        dialog = yield j.modal(ApprovalDialog)
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)
        assert quantity(j).startswith("5"), quantity(j)
        assert "not approved" in j.message(), j.message()
        assert j.db_one("SELECT count(*) FROM void_record") == 0

    journey.run(steps)
