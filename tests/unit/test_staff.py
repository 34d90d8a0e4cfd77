"""Roles, the permission matrix, reason codes, PIN format and the lockout rule."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.staff import (
    PERMISSIONS,
    SENSITIVE,
    Action,
    LockoutPolicy,
    Role,
    can,
    check_pin,
    check_reason,
    parse_role,
    reasons_for,
)

C, S, M, A = Role.CASHIER, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN
# The matrix written out by hand: the code must match this table exactly.
EXPECTED = {
    Action.SELL: {C, S, M, A},
    Action.OPEN_SHIFT: {C, S, M, A},
    Action.CLOSE_SHIFT: {C, S, M, A},
    Action.X_REPORT: {C, S, M, A},
    Action.CASH_DROP: {C, S, M, A},
    Action.VOID_LINE: {S, M, A},
    Action.CANCEL_SALE: {S, M, A},
    Action.NO_SALE: {S, M, A},
    Action.PRICE_OVERRIDE: {S, M, A},
    Action.REFUND: {M, A},
    Action.RETURN_NO_RECEIPT: {M, A},
    Action.DISCOUNT_OVER_LIMIT: {M, A},
    Action.PAID_IN: {M, A},
    Action.PAID_OUT: {M, A},
    Action.CLOSE_SHIFT_VARIANCE: {M, A},
    Action.Z_REPORT: {M, A},
    Action.MANAGE_USERS: {A},
    Action.DROP_PARKED_SALE: {S, M, A},
    Action.EDIT_DEVICES: {M, A},
    Action.UNLOCK_USER: {M, A},
    Action.STORE_SETTINGS: {M, A},
    Action.CLOSE_TILL: {M, A},
    Action.EDIT_QUICK_KEYS: {M, A},
    Action.STOCK_COUNT: {M, A},
    Action.RECEIVE_GOODS: {M, A},
    Action.SELL_UNKNOWN_BARCODE: {C, S, M, A},  # a store may demand approval (pos-admin policy)
    Action.WRITE_OFF_STOCK: {M, A},
}


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_permission_matrix(role, action):
    assert can(role, action) == (role in EXPECTED[action])


def test_every_action_is_in_the_expected_table():
    assert set(EXPECTED) == set(Action)
    assert all(PERMISSIONS[M] <= PERMISSIONS[A] for _ in [0])


def test_issue_sensitive_actions_are_all_sensitive():
    named = {
        Action.VOID_LINE,
        Action.CANCEL_SALE,
        Action.REFUND,
        Action.RETURN_NO_RECEIPT,
        Action.PRICE_OVERRIDE,
        Action.DISCOUNT_OVER_LIMIT,
        Action.NO_SALE,
        Action.PAID_IN,
        Action.PAID_OUT,
        Action.CLOSE_SHIFT_VARIANCE,
    }
    assert named <= SENSITIVE
    assert all(not can(C, a) for a in named)


@pytest.mark.parametrize("action", sorted(SENSITIVE))
def test_every_sensitive_action_has_reasons_and_needs_one(action):
    codes = [r.code for r in reasons_for(action)]
    assert codes and "OTHER" in codes
    assert check_reason(action, codes[0].lower()).code == codes[0]
    with pytest.raises(DomainError, match="needs a reason code"):
        check_reason(action, None)


def test_reason_must_fit_the_action():
    with pytest.raises(DomainError, match="cannot use reason 'MISSCAN'.*SUPPLIER"):
        check_reason(Action.PAID_OUT, "MISSCAN")
    assert check_reason(Action.SELL, None) is None


@pytest.mark.parametrize("pin", ["1234", "00000000", "987654"])
def test_good_pins(pin):
    assert check_pin(pin) == pin


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "", "１２３４", " 1234"])
def test_bad_pins(pin):
    with pytest.raises(DomainError, match="4 to 8 digits"):
        check_pin(pin)


def test_parse_role():
    assert parse_role(" Manager ") is Role.MANAGER
    with pytest.raises(DomainError, match="cashier, supervisor, manager, admin"):
        parse_role("boss")


NOW = datetime(2026, 1, 1, tzinfo=UTC)


@given(st.integers(min_value=1, max_value=10), st.integers(min_value=30, max_value=600))
def test_lockout_after_exactly_max_attempts(max_attempts, minutes):
    policy = LockoutPolicy(max_attempts, timedelta(minutes=minutes))
    attempts, locked = 0, None
    for _ in range(max_attempts - 1):
        attempts, locked = policy.after_failure(attempts, NOW)
        assert locked is None
    attempts, locked = policy.after_failure(attempts, NOW)
    assert attempts == max_attempts and locked == NOW + timedelta(minutes=minutes)


@pytest.mark.parametrize("attempts,minutes", [(11, 30), (10, 29), (0, 30)])
def test_lockout_policy_refuses_weaker_settings(attempts, minutes):
    with pytest.raises(DomainError, match="at most 10 attempts for at least 30 minutes"):
        LockoutPolicy(attempts, timedelta(minutes=minutes))
