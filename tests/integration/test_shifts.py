"""Shifts: float by denomination, one open per till, cash movements journaled, blind close."""

import json

import pytest
from test_shifts_support import PIN, make_env, ring_sale

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.services.auth import ApprovalRequired
from pos_desktop.services.shifts import NoOpenShift, RecountRequired, ShiftCloseBlocked
from pos_desktop.storage import journal, outbox


@pytest.fixture
def env(tmp_path):
    env = make_env(tmp_path, threshold_minor=500)
    yield env
    env.close()


def _open(env, user="cashier", pieces=None):
    return env.shifts.open_shift(env.users[user], env.shifts.count(pieces or {1000: 10}))


def _types(env):
    return [r[0] for r in env.db.execute_sql("SELECT type FROM journal ORDER BY seq")]


def test_open_shift_with_float_and_only_one_per_till(env):
    shift = _open(env, pieces={2000: 2, 500: 4, 100: 10})
    assert shift.float_count.total() == Money(7000, "EUR") and shift.number == 1
    assert env.shifts.current().shift_id == shift.shift_id
    with pytest.raises(DomainError, match="already open on till T01"):
        _open(env)
    assert _types(env) == ["shift.opened"]
    body = json.loads(outbox.pending(env.db)[0].payload)
    assert body["float"] == {"2000": 2, "500": 4, "100": 10}


def test_movements_need_an_open_shift(env):
    with pytest.raises(NoOpenShift, match="open one with a counted float"):
        env.shifts.cash_movement("drop", env.users["cashier"], Money(100, "EUR"), "SAFE_DROP")


def test_cash_movements_are_approved_journaled_and_counted(env):
    _open(env)
    cashier = env.users["cashier"]
    env.shifts.cash_movement("drop", cashier, Money(5000, "EUR"), "SAFE_DROP")
    with pytest.raises(ApprovalRequired):
        env.shifts.cash_movement("paid_out", cashier, Money(1250, "EUR"), "SUPPLIER")
    movement, approval = env.shifts.cash_movement(
        "paid_out",
        cashier,
        Money(1250, "EUR"),
        "supplier",
        approver_pin=PIN["manager"],
        approver_name="Manager",
        note="milk delivery",
    )
    assert movement.approved_by == "Manager" and approval.requester == "Cashier"
    env.shifts.cash_movement("no_sale", env.users["supervisor"], None, "CHECK_DRAWER")
    env.shifts.cash_movement("paid_in", env.users["manager"], Money(300, "EUR"), "FLOAT_TOP_UP")
    with pytest.raises(DomainError, match="above zero in EUR"):
        env.shifts.cash_movement("paid_in", env.users["manager"], Money(0, "EUR"), "FLOAT_TOP_UP")
    assert _types(env) == ["shift.opened"] + ["cash.movement"] * 4
    x = env.shifts.x_report().data
    assert x["drops"] == {"count": 1, "amount_minor": 5000}
    assert x["paid_out"] == {"count": 1, "amount_minor": 1250}
    assert x["paid_in"] == {"count": 1, "amount_minor": 300} and x["no_sales"] == 1
    assert x["expected_cash_minor"] == 10000 - 5000 - 1250 + 300
    assert journal.verify(env.db).ok


def test_exact_close_makes_a_numbered_immutable_z(env):
    _open(env)
    ring_sale(env, [(1500, "A")])
    ring_sale(env, [(700, "B")], tender="card")
    z = env.shifts.close_shift(env.users["cashier"], env.shifts.count({1000: 11, 500: 1}))
    assert z.kind == "Z" and z.data["z_number"] == 1 and z.data["approved_by"] is None
    assert [v["outcome"] for v in z.data["variances"]] == ["exact", "exact"]
    assert env.shifts.current() is None
    assert _types(env)[-1] == "shift.closed"
    row = env.db.execute_sql("SELECT number, journal_seq FROM z_report").fetchone()
    assert row == (1, journal.head(env.db).seq)
    with pytest.raises(Exception, match="immutable"):
        env.db.execute_sql("UPDATE z_report SET grand_total_minor = 0")
    with pytest.raises(Exception, match="immutable"):
        env.db.execute_sql("DELETE FROM z_report")
    _open(env)
    z2 = env.shifts.close_shift(env.users["manager"], env.shifts.count({1000: 10}))
    assert z2.data["z_number"] == 2 and z2.data["grand_total_minor"] == 2200


def test_variance_forces_recount_then_manager(env):
    _open(env)
    ring_sale(env, [(1000, "A")])
    cashier, short = env.users["cashier"], env.shifts.count({1000: 10})  # 10.00 short
    with pytest.raises(RecountRequired) as first:
        env.shifts.close_shift(cashier, short)
    assert "10" not in str(first.value)  # blind: no amounts are revealed
    with pytest.raises(ApprovalRequired, match="needs approval"):
        env.shifts.close_shift(cashier, short)
    z = env.shifts.close_shift(
        cashier,
        short,
        approver_pin=PIN["manager"],
        approver_name="Manager",
        reason="COUNT_CONFIRMED",
    )
    cash = z.data["variances"][0]
    assert (cash["outcome"], cash["difference_minor"]) == ("short", -1000)
    assert (z.data["approved_by"], z.data["approval_reason"]) == ("Manager", "COUNT_CONFIRMED")


def test_small_variance_closes_without_approval(env):
    _open(env)
    z = env.shifts.close_shift(env.users["cashier"], env.shifts.count({1000: 10, 200: 2}))
    assert z.data["variances"][0]["difference_minor"] == 400


def test_close_refused_while_parked_or_card_unknown(env):
    _open(env)
    stamp = "2026-11-26T09:00:00+00:00"
    for pid, status in [("p1", "parked"), ("p2", "recalled")]:
        env.db.execute_sql(
            "INSERT INTO parked_sale (id, label, source, status, cart_snapshot, total_minor, "
            "currency, line_count, created_at, updated_at) VALUES (?, 'x', 'till', ?, '{}', 1, "
            "'EUR', 1, ?, ?)",
            (pid, status, stamp, stamp),
        )
    stamp = "2026-11-26T09:00:00+00:00"
    for pid, status in [("c1", "unknown"), ("c2", "approved"), ("c3", "pending")]:
        env.db.execute_sql(
            "INSERT INTO card_payment (id, reference, kind, amount_minor, currency, status, "
            "cart_snapshot, created_at, updated_at) VALUES (?, ?, 'purchase', 100, 'EUR', ?, "
            "'{}', ?, ?)",
            (pid, "ref-" + pid, status, stamp, stamp),
        )
    with pytest.raises(ShiftCloseBlocked) as err:
        env.shifts.close_shift(env.users["cashier"], env.shifts.count({1000: 10}))
    assert sorted(err.value.items) == [
        "card payment c1 is unknown",
        "card payment c3 is pending",
        "parked sale p1 is parked",
    ]
    assert env.shifts.current() is not None
    env.db.execute_sql("UPDATE parked_sale SET status = 'recalled'")
    env.db.execute_sql("UPDATE card_payment SET status = 'approved'")
    assert env.shifts.close_shift(env.users["cashier"], env.shifts.count({1000: 10})).kind == "Z"


def test_count_in_another_currency_is_refused(env):
    from pos_desktop.domain.cash import CashCount

    with pytest.raises(DomainError, match="Count the float in EUR"):
        env.shifts.open_shift(env.users["cashier"], CashCount("USD", ((100, 1),)))
