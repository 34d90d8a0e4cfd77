"""Wrong-PIN counts and lockouts are in the db: a restarted till (a new container on the same
data dir) is still locked, and lifting the till's pause early is approved and audited."""

from datetime import timedelta

import pytest
from test_shifts_support import cheap_hasher

from pos_desktop.config import TillConfig
from pos_desktop.container import Overrides, build_container
from pos_desktop.domain.staff import Action
from pos_desktop.services.auth import AuthError, LockedOut
from pos_desktop.services.demo_staff import ensure_demo_staff
from pos_desktop.services.ports import NoPrinter
from pos_desktop.storage import audit
from tests.conftest import FixedClock

MANAGER, CASHIER = ("Demo Manager", "9999"), ("Demo Cashier", "1111")


def _till(tmp_path, clock):
    till = build_container(
        TillConfig(data_dir=tmp_path, demo=True),
        Overrides(printer=NoPrinter(), clock=clock, hasher=cheap_hasher()),
    )
    ensure_demo_staff(till.auth)
    return till


def _user(till, name):
    return till.auth.users.by_name(name)


def test_a_user_locked_out_stays_locked_after_a_restart(tmp_path):
    clock = FixedClock()
    till = _till(tmp_path, clock)
    try:
        for _ in range(9):
            with pytest.raises(AuthError):
                till.auth.login(MANAGER[0], "0000")
        with pytest.raises(LockedOut, match="locked for 30 minutes"):
            till.auth.login(MANAGER[0], "0000")
    finally:
        till.close()
    till = _till(tmp_path, clock)  # the restart
    try:
        with pytest.raises(LockedOut, match=r"\(30 min left\)"):
            till.auth.login(*MANAGER)
        clock.current += timedelta(minutes=30)
        assert till.auth.login(*MANAGER).failed_attempts == 0
    finally:
        till.close()


def test_a_restart_keeps_the_count_of_unnamed_wrong_pins(tmp_path):
    clock = FixedClock()
    till = _till(tmp_path, clock)
    try:
        cashier = _user(till, CASHIER[0])
        for _ in range(6):
            with pytest.raises(AuthError):
                till.auth.authorize(Action.PAID_OUT, cashier, "0000", "SUPPLIER")
    finally:
        till.close()
    till = _till(tmp_path, clock)
    try:
        cashier = _user(till, CASHIER[0])
        for _ in range(3):  # 6 before the restart + 3 = 9: one more pauses the till
            with pytest.raises(AuthError):
                till.auth.authorize(Action.PAID_OUT, cashier, "0000", "SUPPLIER")
        with pytest.raises(AuthError):
            till.auth.authorize(Action.PAID_OUT, cashier, "0000", "SUPPLIER")
    finally:
        till.close()
    till = _till(tmp_path, clock)
    try:
        cashier = _user(till, CASHIER[0])
        assert till.auth.till_paused_minutes() == 30
        with pytest.raises(LockedOut, match="pick the approver by name, or wait 30 min"):
            till.auth.authorize(Action.PAID_OUT, cashier, MANAGER[1], "SUPPLIER")
        # the manager's own account is not locked: named, the PIN works
        named = till.auth.authorize(
            Action.PAID_OUT, cashier, MANAGER[1], "SUPPLIER", approver_name=MANAGER[0]
        )
        assert named.approver == MANAGER[0]
        # lifting the pause early is an approved, audited unlock
        manager = _user(till, MANAGER[0])
        approval = till.auth.authorize(
            Action.UNLOCK_USER, manager, MANAGER[1], approver_name=MANAGER[0], object_id="till"
        )
        till.auth.lift_till_pause(approval)
        assert till.auth.till_paused_minutes() == 0
        entry = audit.entries(till.db, "till.unlocked")[-1]
        assert (entry.user_name, entry.outcome) == (MANAGER[0], "granted")
        granted = till.auth.authorize(Action.PAID_OUT, cashier, MANAGER[1], "SUPPLIER")
        assert granted.approver == MANAGER[0]
    finally:
        till.close()
