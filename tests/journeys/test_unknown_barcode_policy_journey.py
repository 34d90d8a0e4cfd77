"""Selling an unknown barcode as a department item asks for approval when the store's policy says
so (issue 16): ``pos-admin policy set cashier sell_unknown_barcode approval``. By default a
cashier sells it alone; either way the decision is in the audit log."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pos_desktop.cli.admin import main as pos_admin
from pos_desktop.ui.views.approval_dialog import ApprovalDialog
from pos_desktop.ui.views.department_dialog import DepartmentDialog

CTRL = Qt.KeyboardModifier.ControlModifier
UNKNOWN = "4006381333931"  # a valid EAN-13 that no demo product has


@pytest.fixture
def approval_required(till):
    """The owner's choice, made with the admin tool on the till's data dir."""
    till.departments.seed_demo()
    args = ["policy", "set", "cashier", "sell_unknown_barcode", "approval"]
    assert pos_admin(["--data-dir", str(till.config.data_dir), *args]) == 0
    return till


def sell_unknown_at(j, price: str):
    """Scan the unknown barcode, Ctrl+D, type the price and Enter (Bakery is chosen)."""
    yield j.scan(UNKNOWN)
    assert "Ctrl+D" in j.message()
    yield j.key(Qt.Key.Key_D, CTRL)
    dialog = yield j.modal(DepartmentDialog)
    yield j.type(price)
    yield j.key(Qt.Key.Key_Return)
    return dialog


def granted(j):
    return j.db_one(
        "SELECT user_name, outcome, body FROM audit_log "
        "WHERE event = 'approval.sell_unknown_barcode' ORDER BY seq DESC LIMIT 1"
    )


def test_a_manager_approves_selling_an_unknown_barcode(journey, approval_required):
    def steps(j):
        department = yield from sell_unknown_at(j, "4.20")
        approval = yield j.modal(ApprovalDialog)
        assert UNKNOWN in approval.detail_text and "4.20" in approval.detail_text
        names = [approval.approver.itemData(i) for i in range(approval.approver.count())]
        assert names == ["Demo Manager"]
        yield j.pin(approval, "9999")
        yield j.closed(approval)
        yield j.closed(department)
        assert j.cart_names() == ["Bakery"]
        user, outcome, body = granted(j)
        assert (user, outcome) == ("Demo Cashier", "granted") and "Demo Manager" in body
        sold_as = j.db_one("SELECT sold_as FROM unknown_barcode")
        assert sold_as == "BAKERY"

    journey.run(steps)


def test_without_the_approval_nothing_is_sold(journey, approval_required):
    def steps(j):
        department = yield from sell_unknown_at(j, "4.20")
        approval = yield j.modal(ApprovalDialog)
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(approval)
        assert "not approved" in department.message.text(), department.message.text()
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(department)
        assert j.cart_names() == []
        assert j.db_one("SELECT sold_as FROM unknown_barcode") is None

    journey.run(steps)


def test_by_default_the_cashier_sells_it_alone_and_it_is_audited(journey, till):
    till.departments.seed_demo()

    def steps(j):
        department = yield from sell_unknown_at(j, "1.10")
        yield j.closed(department)
        assert QApplication.activeModalWidget() is None  # no approval was asked
        assert j.cart_names() == ["Bakery"]
        user, outcome, body = granted(j)
        assert (user, outcome) == ("Demo Cashier", "granted")

    journey.run(steps)
