"""Manager screens follow the store's approval policy (issue 11's two role checks): by default a
cashier is refused and a manager goes straight in; a store that sets the cashier's cell to
'approval' (``pos-admin policy set cashier edit_quick_keys approval``) gets the PIN dialog."""

import json
from datetime import timedelta

from PySide6.QtCore import Qt

from pos_desktop.domain.staff import Action
from pos_desktop.storage.policy_repo import load_policy, save_policy
from pos_desktop.ui.views.approval_dialog import ApprovalDialog
from pos_desktop.ui.views.quick_keys_dialog import QuickKeyEditor, QuickKeysDialog
from pos_desktop.ui.views.stock_count_dialog import StockCountDialog
from pos_desktop.ui.views.store_settings_dialog import StoreSettingsDialog
from tests.journeys.test_approvals_journey import switch_to

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _let_cashiers_ask(till, action: str) -> None:
    """What ``pos-admin policy set cashier ACTION approval`` writes."""
    save_policy(till.db, load_policy(till.db).with_decision("cashier", action, "approval"))


def _audited(j, action: str) -> tuple[str, dict]:
    """The last audit decision on ``action``: its outcome and detail."""
    outcome, body = j.db_one(
        "SELECT outcome, body FROM audit_log WHERE event = ? ORDER BY seq DESC LIMIT 1",
        (f"approval.{action}",),
    )
    return outcome, json.loads(body)["detail"]


def test_store_settings_refused_to_a_cashier_and_opened_for_a_manager(journey):
    def steps(j):
        yield j.key(Qt.Key.Key_S, CTRL_SHIFT)
        assert "Only a manager can change the store settings" in j.message()
        assert _audited(j, "store_settings")[0] == "denied"
        yield from switch_to(j, "Demo Manager", "9999")
        yield j.key(Qt.Key.Key_S, CTRL_SHIFT)
        settings = yield j.modal(StoreSettingsDialog)
        yield j.fill(settings.name, "Corner Shop 2")
        yield j.click(j.button(settings, "Save"))
        yield j.closed(settings)
        assert j.db_one("SELECT name FROM store_settings") == "Corner Shop 2"
        outcome, detail = _audited(j, "store_settings")
        assert outcome == "granted" and detail["approver"] == "Demo Manager"

    journey.run(steps)


def test_a_cashier_asks_a_manager_to_change_the_quick_keys(journey, till):
    till.departments.seed_demo()
    till.quick_keys.seed_demo()
    _let_cashiers_ask(till, "edit_quick_keys")

    def steps(j):
        yield j.key(Qt.Key.Key_K, CTRL)
        grid = yield j.modal(QuickKeysDialog)
        yield j.click(grid.edit_button)
        approval = yield j.modal(ApprovalDialog)
        assert approval.action is Action.EDIT_QUICK_KEYS
        yield j.choose(approval.approver, "Demo Manager")
        yield j.pin(approval, "9999")
        yield j.closed(approval)
        assert grid.editing
        yield j.click(grid.keys[12])
        editor = yield j.modal(QuickKeyEditor)
        yield j.type("chedd")
        yield j.key(Qt.Key.Key_Down)
        yield j.key(Qt.Key.Key_Return)
        yield j.click(j.button(editor, "Save key"))
        yield j.closed(editor)
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(grid)
        outcome, detail = _audited(j, "edit_quick_keys")
        assert outcome == "granted", detail
        assert (detail["requester"], detail["approver"]) == ("Demo Cashier", "Demo Manager")

    journey.run(steps)
    assert till.quick_keys.page(1)[12].sku == "SKU0000006"


def test_a_wrong_pin_leaves_the_keys_as_they_are(journey, till):
    till.departments.seed_demo()
    till.quick_keys.seed_demo()
    _let_cashiers_ask(till, "edit_quick_keys")

    def steps(j):
        yield j.key(Qt.Key.Key_K, CTRL)
        grid = yield j.modal(QuickKeysDialog)
        yield j.click(grid.edit_button)
        approval = yield j.modal(ApprovalDialog)
        yield j.pin(approval, "0000")
        assert "Wrong PIN" in approval.message.text(), approval.message.text()
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(approval)
        assert not grid.editing and not grid.edit_button.isChecked()
        yield j.key(Qt.Key.Key_Escape)

    journey.run(steps)


def test_a_cashier_counts_stock_once_a_manager_approves(journey, till):
    _let_cashiers_ask(till, "stock_count")

    def steps(j):
        yield j.key(Qt.Key.Key_C, CTRL_SHIFT)
        approval = yield j.modal(ApprovalDialog)
        yield j.choose(approval.approver, "Demo Manager")
        yield j.pin(approval, "9999")
        yield j.closed(approval)
        count = yield j.modal(StockCountDialog)
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(count)
        assert j.db_one("SELECT started_by FROM stock_count") == "Demo Cashier"

    journey.run(steps)


def test_a_manager_lifts_the_tills_pin_pause_left_from_before_a_restart(journey, till):
    # what an earlier run of the till left in the db after 10 wrong unnamed approver PINs
    till.auth.till_lockout.save(0, till.clock.now() + timedelta(minutes=25))

    def steps(j):
        yield from switch_to(j, "Demo Manager", "9999")
        yield j.menu("Staff", "Unlock user")
        approval = yield j.modal(ApprovalDialog)
        assert approval.action is Action.UNLOCK_USER
        assert "25 more min" in approval.detail_text
        yield j.pin(approval, "9999")
        yield j.closed(approval)
        assert "takes unnamed approver PINs again" in j.message()
        assert j.db_one("SELECT count(*) FROM till_pin_lockout") == 0
        assert j.db_one("SELECT user_name FROM audit_log WHERE event = 'till.unlocked'") == (
            "Demo Manager"
        )

    journey.run(steps)
