"""The store's approval policy (role x action), self-approval with one's own PIN, a second
person per action, one-shot tokens the services demand, and unlocking at the till."""

import json

import pytest
from test_shifts_support import PIN, make_env

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.policy import ApprovalPolicy, Decision
from pos_desktop.domain.staff import Action, Role
from pos_desktop.services.auth import (
    Approval,
    ApprovalRequired,
    AuthError,
    LockedOut,
    PermissionRefused,
    redeem,
)
from pos_desktop.storage import audit
from pos_desktop.storage.policy_repo import load_policy, save_policy


@pytest.fixture
def env(tmp_path):
    env = make_env(tmp_path)
    yield env
    env.close()


def test_default_table_matches_the_documented_roles():
    policy = ApprovalPolicy()
    assert policy.decide(Role.CASHIER, Action.VOID_LINE) is Decision.APPROVAL
    assert policy.decide(Role.SUPERVISOR, Action.VOID_LINE) is Decision.ALLOWED
    assert policy.decide(Role.SUPERVISOR, Action.REFUND) is Decision.APPROVAL
    assert policy.decide(Role.MANAGER, Action.MANAGE_USERS) is Decision.REFUSED
    assert policy.decide(Role.CASHIER, Action.EDIT_DEVICES) is Decision.APPROVAL
    assert policy.decide(Role.CASHIER, Action.DROP_PARKED_SALE) is Decision.APPROVAL


def test_policy_refuses_changes_that_leave_nobody_to_approve():
    policy = ApprovalPolicy()
    for role in (Role.SUPERVISOR, Role.MANAGER):
        policy = policy.with_decision(role, Action.REFUND, "approval")
    with pytest.raises(DomainError, match="Nobody could approve"):
        policy.with_decision(Role.ADMIN, Action.REFUND, "refused")
    with pytest.raises(DomainError, match="Admins always manage users"):
        policy.with_decision(Role.ADMIN, Action.MANAGE_USERS, "approval")
    with pytest.raises(DomainError, match="not an action"):
        policy.with_decision(Role.ADMIN, "fly", "allowed")


def test_stored_policy_applies_at_once_and_survives_a_round_trip(env):
    cashier = env.users["cashier"]
    save_policy(env.db, load_policy(env.db).with_decision("cashier", "no_sale", "refused"))
    with pytest.raises(PermissionRefused, match="not allowed for the role cashier"):
        env.auth.authorize(Action.NO_SALE, cashier, PIN["manager"], "CHECK_DRAWER")
    entry = audit.entries(env.db, "approval.no_sale")[-1]
    assert json.loads(entry.detail)["detail"]["why"] == "refused by policy"
    save_policy(env.db, load_policy(env.db).with_decision("cashier", "no_sale", "allowed"))
    assert env.auth.authorize(Action.NO_SALE, cashier, reason="CHECK_DRAWER").self_approved
    assert load_policy(env.db).to_json()["overrides"] == [["cashier", "no_sale", "allowed"]]


def test_a_manager_approves_their_own_action_with_their_own_pin(env):
    manager = env.users["manager"]
    assert env.auth.approvers_for(Action.VOID_LINE, manager)[0].name == "Manager"
    approval = env.auth.authorize(
        Action.VOID_LINE, manager, PIN["manager"], "MISSCAN", approver_name="Manager"
    )
    assert approval.self_approved
    with pytest.raises(AuthError, match="Wrong PIN for Manager"):
        env.auth.authorize(Action.VOID_LINE, manager, "0000", "MISSCAN", approver_name="Manager")


def test_second_person_setting_excludes_the_requester(env):
    manager = env.users["manager"]
    save_policy(env.db, load_policy(env.db).with_second_person("cancel_sale", True))
    names = [m.name for m in env.auth.approvers_for(Action.CANCEL_SALE, manager)]
    assert "Manager" not in names and names  # supervisor, admin
    with pytest.raises(ApprovalRequired, match="someone else"):
        env.auth.authorize(Action.CANCEL_SALE, manager, reason="CUSTOMER_LEFT")
    with pytest.raises(AuthError, match="second person"):
        env.auth.authorize(
            Action.CANCEL_SALE, manager, PIN["manager"], "CUSTOMER_LEFT", approver_name="Manager"
        )
    with pytest.raises(AuthError):  # an unnamed PIN does not match the requester either
        env.auth.authorize(Action.CANCEL_SALE, manager, PIN["manager"], "CUSTOMER_LEFT")
    approval = env.auth.authorize(
        Action.CANCEL_SALE, manager, PIN["admin"], "CUSTOMER_LEFT", approver_name="Admin"
    )
    assert approval.approver == "Admin"


def test_tokens_are_one_shot_bound_and_unforgeable(env):
    cashier = env.users["cashier"]
    approval = env.auth.authorize(
        Action.VOID_LINE,
        cashier,
        PIN["manager"],
        "MISSCAN",
        approver_name="Manager",
        object_id="line-1",
    )
    with pytest.raises(ApprovalRequired, match="another item"):
        redeem(approval, Action.VOID_LINE, "line-2")
    approval = env.auth.authorize(
        Action.VOID_LINE, cashier, PIN["manager"], "MISSCAN", approver_name="Manager"
    )
    assert redeem(approval, Action.VOID_LINE, "line-2") is approval
    with pytest.raises(ApprovalRequired, match="used already"):
        redeem(approval, Action.VOID_LINE, "line-2")
    forged = Approval(Action.VOID_LINE, "Cashier", "Manager", "MISSCAN", 1)
    with pytest.raises(ApprovalRequired, match="not valid"):
        redeem(forged, Action.VOID_LINE)
    with pytest.raises(ApprovalRequired, match="needs an approval"):
        redeem(None, Action.VOID_LINE)


def test_another_admin_unlocks_a_locked_manager_at_the_till(env):
    cashier = env.users["cashier"]
    for _ in range(10):
        with pytest.raises(AuthError):
            env.auth.authorize(Action.REFUND, cashier, "0000", "DAMAGED", approver_name="Manager")
    assert [m.name for m in env.auth.locked_users()] == ["Manager"]
    manager = env.auth.users.by_name("Manager")
    with pytest.raises(ApprovalRequired):
        env.auth.unlock("Manager", None)
    with pytest.raises(LockedOut):  # the locked one cannot unlock themselves
        env.auth.authorize(
            Action.UNLOCK_USER,
            cashier,
            PIN["manager"],
            approver_name="Manager",
            object_id=manager.user_id,
        )
    approval = env.auth.authorize(
        Action.UNLOCK_USER, cashier, PIN["admin"], approver_name="Admin", object_id=manager.user_id
    )
    assert env.auth.unlock("Manager", approval).failed_attempts == 0
    entry = audit.entries(env.db, "user.unlocked")[-1]
    detail = json.loads(entry.detail)["detail"]
    assert (entry.user_name, detail["approver"], detail["name"]) == ("Cashier", "Admin", "Manager")
    assert env.auth.login("Manager", PIN["manager"]).name == "Manager"


def test_selling_an_unknown_barcode_takes_a_token_bound_to_it(env):
    """The service refuses without a token, whoever calls; a token for another barcode fails."""
    from pos_desktop.services.auth import ApprovalRequired, redeem

    with pytest.raises(ApprovalRequired, match="needs an approval"):
        redeem(None, Action.SELL_UNKNOWN_BARCODE, "04006381333931")
    cashier = env.users["cashier"]
    token = env.auth.authorize(Action.SELL_UNKNOWN_BARCODE, cashier, object_id="04006381333931")
    assert token.approver == cashier.name  # allowed alone by default, no PIN
    with pytest.raises(ApprovalRequired, match="another item"):
        redeem(token, Action.SELL_UNKNOWN_BARCODE, "05000000000000")
    save_policy(
        env.db, load_policy(env.db).with_decision("cashier", "sell_unknown_barcode", "approval")
    )
    with pytest.raises(ApprovalRequired):
        env.auth.authorize(Action.SELL_UNKNOWN_BARCODE, cashier, object_id="04006381333931")
