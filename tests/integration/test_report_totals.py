"""The running shift totals (kept by triggers in each sale's transaction) always equal the
aggregate over the raw sale rows; an upgraded database gets them back-filled."""

import random

import pytest

from pos_desktop.services.shifts import RecountRequired
from pos_desktop.storage.migrations import migrate
from pos_desktop.storage.report_repo import ReportRepository
from tests.integration.test_shifts_support import make_env, ring_sale

RAW_TAX = (
    "SELECT l.tax_code, l.tax_percent, SUM(l.net_minor), SUM(l.tax_minor), SUM(l.amount_minor) "
    "FROM sale s JOIN sale_line l ON l.sale_id = s.id WHERE s.shift_id = ? "
    "AND s.status = 'completed' GROUP BY 1, 2 ORDER BY 1, 2"
)
RAW_TENDER = (
    "SELECT p.tender, COUNT(*), SUM(p.amount_minor) FROM sale s JOIN payment p "
    "ON p.sale_id = s.id WHERE s.shift_id = ? AND s.status = 'completed' GROUP BY 1 ORDER BY 1"
)
RAW_SALES = (
    "SELECT cashier, substr(completed_at, 1, 13), COUNT(*), SUM(total_minor), SUM(tax_minor), "
    "MIN(receipt_number), MAX(receipt_number) FROM sale WHERE shift_id = ? "
    "AND status = 'completed' GROUP BY 1, 2 ORDER BY 1, 2"
)


@pytest.fixture
def env(tmp_path):
    env = make_env(tmp_path)
    yield env
    env.close()


def sell_randomly(env, rng, count):
    for _ in range(count):
        lines = [(rng.randrange(1, 5000), rng.choice("AB")) for _ in range(rng.randint(1, 6))]
        ring_sale(
            env,
            lines,
            tender=rng.choice(["cash", "card", "voucher"]),
            cashier=rng.choice(["Cashier", "Supervisor"]),
        )
        if rng.random() < 0.1:
            env.clock.advance(minutes=40)


def close_with_recount(env):
    """The count is off: the first close asks for a recount, the second needs a manager."""
    count = env.shifts.count({})
    with pytest.raises(RecountRequired):
        env.shifts.close_shift(env.users["manager"], count)
    env.shifts.close_shift(env.users["manager"], count, reason="COUNT_CONFIRMED")


def assert_totals_match_rows(env, shift_id):
    repo = ReportRepository(env.db)
    raw = env.db.execute_sql
    assert repo.tax_rows(shift_id) == raw(RAW_TAX, (shift_id,)).fetchall()
    assert repo.tender_rows(shift_id) == raw(RAW_TENDER, (shift_id,)).fetchall()
    assert sorted(repo.sales_by_cashier_hour(shift_id)) == raw(RAW_SALES, (shift_id,)).fetchall()


def test_running_totals_equal_the_raw_aggregates(env):
    rng = random.Random(7)
    shift_ids = []
    for _ in range(2):
        env.shifts.open_shift(env.users["cashier"], env.shifts.count({1000: 5}))
        shift_ids.append(env.shifts.current().shift_id)
        sell_randomly(env, rng, 60)
        close_with_recount(env)
    for shift_id in shift_ids:
        assert_totals_match_rows(env, shift_id)


def test_a_failed_sale_leaves_the_totals_untouched(env):
    env.shifts.open_shift(env.users["cashier"], env.shifts.count({1000: 5}))
    shift_id = env.shifts.current().shift_id
    ring_sale(env, [(500, "A")])
    before = ReportRepository(env.db).tax_rows(shift_id)
    env.db.execute_sql(
        "CREATE TRIGGER boom BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    with pytest.raises(Exception, match="disk full"):
        ring_sale(env, [(700, "A")])
    assert ReportRepository(env.db).tax_rows(shift_id) == before


def test_upgrade_back_fills_the_totals(env):
    env.shifts.open_shift(env.users["cashier"], env.shifts.count({1000: 5}))
    shift_id = env.shifts.current().shift_id
    sell_randomly(env, random.Random(3), 30)
    expected_cash = env.shifts.x_report().data["expected_cash_minor"]
    db = env.db
    for table in ("shift_sale_totals", "shift_tax_totals", "shift_tender_totals"):
        db.execute_sql(f"DROP TABLE {table}")  # as if made by version 9
    for trigger in ("sale_totals", "sale_line_totals", "payment_totals"):
        db.execute_sql(f"DROP TRIGGER {trigger}")
    db.execute_sql("DROP TABLE cash_ledger")  # 0013's table and the triggers that fill it
    for trigger in ("float", "sale", "refund", "movement"):
        db.execute_sql(f"DROP TRIGGER cash_ledger_{trigger}")
    db.execute_sql("PRAGMA user_version = 9")
    migrate(db)
    assert_totals_match_rows(env, shift_id)
    assert env.shifts.x_report().data["expected_cash_minor"] == expected_cash  # back-filled
