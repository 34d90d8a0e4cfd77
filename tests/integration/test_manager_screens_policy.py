"""Store-wide screens (store settings, quitting, quick keys, stock counts, receiving goods) are
decided by the store's approval policy, and the services refuse a caller without a token."""

from __future__ import annotations

import pytest

from pos_desktop.domain.policy import DEFAULT_POLICY, Decision
from pos_desktop.domain.staff import MANAGER_SCREENS, Action, Role
from pos_desktop.services.auth import ApprovalRequired, PermissionRefused
from pos_desktop.services.store_admin import StoreSettingError, set_values_at_till
from pos_desktop.storage import audit
from pos_desktop.storage.policy_repo import save_policy
from pos_desktop.storage.quick_key_repo import QuickKey
from tests.approvals import approval


def test_defaults_are_todays_rule_managers_yes_others_refused():
    for action in MANAGER_SCREENS:
        assert DEFAULT_POLICY.decide(Role.MANAGER, action) is Decision.ALLOWED
        assert DEFAULT_POLICY.decide(Role.ADMIN, action) is Decision.ALLOWED
        assert DEFAULT_POLICY.decide(Role.SUPERVISOR, action) is Decision.REFUSED
        assert DEFAULT_POLICY.decide(Role.CASHIER, action) is Decision.REFUSED


def test_services_refuse_callers_without_a_token(till):
    with pytest.raises(ApprovalRequired):
        till.stock_counts.start("Someone")
    with pytest.raises(ApprovalRequired):
        till.goods_receipts.start("Someone", "Dairy Ltd")
    with pytest.raises(ApprovalRequired):
        till.quick_keys.editor(None)
    with pytest.raises(ApprovalRequired):
        set_values_at_till(till.db, {"name": "Hijacked"}, None)
    assert till.db.execute_sql("SELECT name FROM store_settings").fetchone()[0] != "Hijacked"
    wrong = approval(till.auth, Action.STOCK_COUNT)  # a token for another screen
    with pytest.raises(ApprovalRequired):
        till.quick_keys.editor(wrong)


def test_a_bad_setting_keeps_the_token_for_the_corrected_save(till):
    token = approval(till.auth, Action.STORE_SETTINGS)
    with pytest.raises(StoreSettingError, match="Mars/Olympus"):
        set_values_at_till(till.db, {"timezone": "Mars/Olympus"}, token)
    state = set_values_at_till(till.db, {"timezone": "Europe/Berlin"}, token)
    assert state.settings.timezone == "Europe/Berlin"


def test_the_policy_decides_and_a_store_may_let_cashiers_ask(till):
    cashier = till.auth.add_user("Cashier Ann", "cashier", "2468")
    with pytest.raises(PermissionRefused):
        till.auth.authorize(Action.EDIT_QUICK_KEYS, cashier)
    entry = audit.entries(till.db, "approval.edit_quick_keys")[-1]
    assert entry.outcome == "denied"
    save_policy(
        till.db, DEFAULT_POLICY.with_decision(Role.CASHIER, Action.EDIT_QUICK_KEYS, "approval")
    )
    with pytest.raises(ApprovalRequired):
        till.auth.authorize(Action.EDIT_QUICK_KEYS, cashier)
    manager = approval(till.auth, Action.STOCK_COUNT).approver  # makes the test manager
    token = till.auth.authorize(Action.EDIT_QUICK_KEYS, cashier, "8642", approver_name=manager)
    editing = till.quick_keys.editor(token)
    editing.save(QuickKey(2, 0, "Milk", sku="SKU0000001"))
    assert till.quick_keys.page(2)[0].label == "Milk"


def test_a_till_with_users_has_no_setup_pass(till):
    till.auth.add_user("Cashier Ann", "cashier", "2468")
    with pytest.raises(ApprovalRequired, match="log in first"):
        till.auth.authorize_setup(Action.STORE_SETTINGS)
