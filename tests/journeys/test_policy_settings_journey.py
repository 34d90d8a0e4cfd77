"""The approval policy edited in Store settings (a manager, by clicks), then obeyed at the till:
a cashier's void needs a manager until the manager allows it, then the cashier confirms alone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.approval_dialog import ApprovalDialog
from pos_desktop.ui.views.store_settings_dialog import StoreSettingsDialog
from tests.journeys.test_approvals_journey import switch_to

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def approver_names(dialog: ApprovalDialog) -> list[str]:
    return [dialog.approver.itemData(i) for i in range(dialog.approver.count())]


def pick(j, combo, text: str):
    """A finger on the drop-down, then on the entry ``text`` in the list that opens."""
    yield j.click(combo)
    yield j.until(lambda: combo.view().isVisible(), what="the drop-down list")
    yield j.wait(QApplication.doubleClickInterval() + 50)  # a release sooner is ignored
    yield j.tap_row(combo.view(), combo.findText(text))
    yield j.until(lambda: not combo.view().isVisible(), what="the list closed")
    assert combo.currentText() == text


def open_approvals(j):
    """The manager logs in, Ctrl+Shift+S, a finger on the Approvals tab; returns the dialog."""
    yield from switch_to(j, "Demo Manager", "9999")
    yield j.key(Qt.Key.Key_S, CTRL_SHIFT)
    settings = yield j.modal(StoreSettingsDialog)
    bar = settings.tabs.tabBar()
    tab = next(i for i in range(bar.count()) if bar.tabText(i) == "Approvals")
    yield j.click_at(bar, bar.tabRect(tab).center())
    return settings


def test_a_manager_lets_cashiers_void_lines_in_store_settings(journey):
    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.scan(demo_ean13(3))
        yield j.key(Qt.Key.Key_F3)  # the cashier removes a line: a manager must approve
        asked = yield j.modal(ApprovalDialog)
        assert approver_names(asked) == ["Demo Manager"]
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(asked)

        settings = yield from open_approvals(j)
        assert settings.tabs.currentWidget() is settings.policy_page
        cell = settings.policy_page.cell("void_line", "cashier")
        assert cell.currentData() == "approval"
        yield from pick(j, cell, "Allowed")
        yield j.click(j.button(settings, "Save"))
        yield j.closed(settings)
        assert "Store settings saved" in j.message()
        row = j.db_one("SELECT user_name, body FROM audit_log WHERE event = 'policy.changed'")
        assert row[0] == "Demo Manager" and "void_line" in row[1]

        yield from switch_to(j, "Demo Cashier", "1111")
        yield j.key(Qt.Key.Key_F3)  # now the cashier confirms with their own PIN, no manager
        own = yield j.modal(ApprovalDialog)
        assert approver_names(own) == ["Demo Cashier", "Demo Manager"]
        yield j.pin(own, "1111")
        yield j.closed(own)
        assert j.cart_names() == ["Whole milk 1L"]
        voided = j.db_one("SELECT requester, approver FROM void_record")
        assert voided == ("Demo Cashier", "Demo Cashier")

    journey.run(steps)


def test_a_policy_nobody_could_approve_is_not_saved(journey):
    def steps(j):
        settings = yield from open_approvals(j)
        for role in ("supervisor", "manager", "admin"):
            yield from pick(j, settings.policy_page.cell("refund", role), "Approval")
        yield j.click(j.button(settings, "Save"))
        yield j.until(lambda: "Nobody could approve" in settings.message.text(), what="refusal")
        assert j.db_one("SELECT count(*) FROM audit_log WHERE event = 'policy.changed'") == 0
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(settings)

    journey.run(steps)
