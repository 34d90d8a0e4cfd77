"""PIN login, lockout (injected clock), user admin and approvals recorded in the audit log."""

import json

import pytest
from test_shifts_support import PIN, make_env

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.staff import SENSITIVE, Action, Role, can, reasons_for
from pos_desktop.services.auth import ApprovalRequired, AuthError, LockedOut
from pos_desktop.storage import audit


@pytest.fixture
def env(tmp_path):
    env = make_env(tmp_path)
    yield env
    env.close()


def _last(env, event=None):
    entry = audit.entries(env.db, event)[-1]
    return entry, json.loads(entry.detail)["detail"]


def test_pins_are_argon2id_with_their_own_salt(env):
    hashes = [r[0] for r in env.db.execute_sql("SELECT pin_hash FROM staff_user")]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert len({h.split("$")[4] for h in hashes}) == len(hashes)  # salts differ
    assert not any(pin in h for h in hashes for pin in PIN.values())


def test_login_ok_and_wrong_pin(env):
    assert env.auth.login("cashier", PIN["cashier"]).role is Role.CASHIER
    with pytest.raises(AuthError, match="Wrong PIN for Cashier; 9 tries left"):
        env.auth.login("Cashier", "9999")
    with pytest.raises(AuthError, match="no user 'Nobody'"):
        env.auth.login("Nobody", "1234")
    entry, detail = _last(env, "login")
    assert (entry.user_name, entry.outcome, detail["why"]) == ("Nobody", "denied", "unknown user")


def test_manager_locked_after_10_wrong_pins_for_30_minutes(env):
    for _ in range(9):
        with pytest.raises(AuthError):
            env.auth.login("Manager", "0000")
    with pytest.raises(LockedOut, match="locked for 30 minutes"):
        env.auth.login("Manager", "0000")
    # even the right PIN is refused while locked
    with pytest.raises(LockedOut, match="locked after too many wrong PINs"):
        env.auth.login("Manager", PIN["manager"])
    env.clock.advance(minutes=29)
    with pytest.raises(LockedOut):
        env.auth.login("Manager", PIN["manager"])
    env.clock.advance(minutes=1)
    assert env.auth.login("Manager", PIN["manager"]).failed_attempts == 0


def test_success_resets_the_failure_count(env):
    for _ in range(5):
        with pytest.raises(AuthError):
            env.auth.login("Admin", "0000")
    env.auth.login("Admin", PIN["admin"])
    with pytest.raises(AuthError, match="9 tries left"):
        env.auth.login("Admin", "0000")


def test_reset_pin_lifts_lock_and_disable_blocks(env):
    for _ in range(10):
        with pytest.raises(AuthError):
            env.auth.login("Supervisor", "0000")
    env.auth.reset_pin("Supervisor", "5678", by="Admin")
    assert env.auth.login("Supervisor", "5678").name == "Supervisor"
    env.auth.set_active("Supervisor", False, by="Admin")
    with pytest.raises(AuthError, match="disabled"):
        env.auth.login("Supervisor", "5678")
    with pytest.raises(DomainError, match="already exists"):
        env.auth.add_user("supervisor", "cashier", "1234")
    with pytest.raises(DomainError, match="4 to 8 digits"):
        env.auth.add_user("New", "cashier", "12")


@pytest.mark.parametrize("action", sorted(SENSITIVE))
@pytest.mark.parametrize("role", list(Role))
def test_authorize_matrix_without_approver(env, role, action):
    user = env.users[role.value]
    reason = reasons_for(action)[0].code
    if can(role, action):
        approval = env.auth.authorize(action, user, reason=reason)
        assert approval.self_approved and approval.approver == user.name
    else:
        with pytest.raises(ApprovalRequired, match="needs approval"):
            env.auth.authorize(action, user, reason=reason)
    entry, detail = _last(env)
    assert entry.event == f"approval.{action.value}" and entry.user_name == user.name
    assert entry.outcome == ("granted" if can(role, action) else "denied")


@pytest.mark.parametrize("action", sorted(SENSITIVE - {Action.CASH_DROP}))
def test_cashier_gets_one_shot_approval_recorded(env, action):
    cashier = env.users["cashier"]
    reason = reasons_for(action)[0].code
    approval = env.auth.authorize(
        action, cashier, PIN["manager"], reason, approver_name="Manager", object_id="sale-1"
    )
    assert (approval.requester, approval.approver, approval.reason) == (
        "Cashier",
        "Manager",
        reason,
    )
    entry, detail = _last(env)
    assert entry.seq == approval.audit_seq and entry.object_id == "sale-1"
    assert (detail["requester"], detail["approver"], detail["reason"]) == (
        "Cashier",
        "Manager",
        reason,
    )
    # one-shot: the next request needs a PIN again
    with pytest.raises(ApprovalRequired):
        env.auth.authorize(action, cashier, reason=reason)


def test_pin_only_approval_finds_the_approver(env):
    approval = env.auth.authorize(Action.REFUND, env.users["cashier"], PIN["admin"], "DAMAGED")
    assert approval.approver == "Admin"


def test_approver_without_the_permission_or_wrong_pin_is_refused(env):
    cashier = env.users["cashier"]
    with pytest.raises(AuthError, match="Supervisor may not approve"):
        env.auth.authorize(
            Action.REFUND, cashier, PIN["supervisor"], "DAMAGED", approver_name="Supervisor"
        )
    with pytest.raises(AuthError, match="does not belong to anyone who may approve"):
        env.auth.authorize(Action.REFUND, cashier, "0000", "DAMAGED")
    # a wrong anonymous PIN counts against no user (issue 13), only against the till
    counts = dict(env.db.execute_sql("SELECT name, failed_attempts FROM staff_user"))
    assert counts == {"Admin": 0, "Manager": 0, "Cashier": 0, "Supervisor": 0}
    entry, detail = _last(env, "approval.refund")
    assert entry.outcome == "denied" and detail["why"] == "wrong approver PIN"


def test_missing_reason_is_refused_and_audited(env):
    with pytest.raises(DomainError, match="needs a reason code"):
        env.auth.authorize(Action.NO_SALE, env.users["manager"])
    entry, detail = _last(env)
    assert entry.outcome == "denied" and detail["why"] == "no valid reason"


def test_unnamed_wrong_pins_pause_the_till_not_the_managers(env):
    """Issue 13: a cashier typing wrong PINs without naming an approver locks nobody out."""
    cashier = env.users["cashier"]
    for _ in range(10):
        with pytest.raises(AuthError):
            env.auth.authorize(Action.PAID_OUT, cashier, "0000", "SUPPLIER")
    with pytest.raises(LockedOut, match="pick the approver by name"):  # unnamed PINs paused
        env.auth.authorize(Action.PAID_OUT, cashier, PIN["manager"], "SUPPLIER")
    assert env.auth.login("Manager", PIN["manager"]).name == "Manager"  # not locked
    named = env.auth.authorize(
        Action.PAID_OUT, cashier, PIN["manager"], "SUPPLIER", approver_name="Manager"
    )
    assert named.approver == "Manager"
    env.clock.advance(minutes=30)
    assert (
        env.auth.authorize(Action.PAID_OUT, cashier, PIN["admin"], "SUPPLIER").approver == "Admin"
    )


def test_named_approver_brute_force_locks_only_that_approver(env):
    cashier = env.users["cashier"]
    for _ in range(9):
        with pytest.raises(AuthError):
            env.auth.authorize(
                Action.PAID_OUT, cashier, "0000", "SUPPLIER", approver_name="Manager"
            )
    with pytest.raises(LockedOut, match="now locked for 30 minutes"):
        env.auth.authorize(Action.PAID_OUT, cashier, "0000", "SUPPLIER", approver_name="Manager")
    counts = dict(env.db.execute_sql("SELECT name, failed_attempts FROM staff_user"))
    assert counts["Admin"] == 0 and counts["Manager"] == 10
    entry, detail = _last(env, "user.locked")
    assert entry.user_name == "Manager" and detail["failed_attempts"] == 10
    with pytest.raises(LockedOut, match=r"\(30 min left\)"):
        env.auth.login("Manager", PIN["manager"])


def test_audit_log_is_chained_and_tamper_evident(env):
    env.auth.login("Cashier", PIN["cashier"])
    env.auth.authorize(Action.NO_SALE, env.users["manager"], reason="CHECK_DRAWER")
    assert audit.verify(env.db).ok
    with pytest.raises(Exception, match="append-only"):
        env.db.execute_sql("UPDATE audit_log SET outcome = 'granted'")
    env.db.execute_sql("DROP TRIGGER audit_log_no_update")
    env.db.execute_sql("UPDATE audit_log SET user_name = 'Someone' WHERE seq = 2")
    result = audit.verify(env.db)
    assert result.problems == ["audit entry 2: content was changed after it was written"]
