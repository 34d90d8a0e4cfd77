"""After a simulated day with card payments, no 13-19 digit Luhn-valid number is stored/logged."""

import logging

import pytest
from test_shifts_support import PIN, make_env, ring_sale

from pos_desktop.domain.money import Money
from tests.card_scan import card_like


def test_the_detector_detects():
    assert card_like("card 4111 1111 1111 1111 ok") == ["4111111111111111"]
    assert card_like("************1111 auth 123456") == []


@pytest.fixture
def day(tmp_path):
    env = make_env(tmp_path)
    log_file = tmp_path / "till.log"
    handler = logging.FileHandler(log_file)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield env, log_file
    root.removeHandler(handler)
    handler.close()
    env.close()


def test_simulated_day_stores_no_card_number(day):
    env, log_file = day
    env.shifts.open_shift(env.users["cashier"], env.shifts.count({1000: 10}))
    for n in range(60):
        if n % 3:
            ring_sale(env, [(100 + n, "A"), (250, "B")])
        else:  # what a terminal hands back: masked PAN, brand, auth code, terminal ref
            ring_sale(
                env,
                [(999 + n, "A")],
                tender="card",
                reference=f"VISA ************{1000 + n} AUTH {123456 + n} REF T{n:06d}",
            )
    env.shifts.cash_movement(
        "paid_out",
        env.users["cashier"],
        Money(500, "EUR"),
        "SUPPLIER",
        approver_pin=PIN["manager"],
        approver_name="Manager",
    )
    with pytest.raises(Exception):  # noqa: B017 - a failed login is logged/audited too
        env.auth.login("Manager", "99999999")
    expected = env.shifts.x_report().data["expected_cash_minor"]
    env.shifts.close_shift(env.users["manager"], env.shifts.count({1: expected}))

    db, found = env.db, {}
    tables = [
        r[0]
        for r in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    for table in tables:
        cols = [
            r[1]
            for r in db.execute_sql(f"PRAGMA table_info({table})")
            if r[2].upper() in ("TEXT", "")
        ]
        for col in cols:
            for (value,) in db.execute_sql(f"SELECT {col} FROM {table}"):  # noqa: S608
                hits = card_like(str(value)) if value is not None else []
                if hits:
                    found[f"{table}.{col}"] = hits
    assert (
        "payment" in tables
        and db.execute_sql("SELECT COUNT(*) FROM payment WHERE reference LIKE '%****%'").fetchone()[
            0
        ]
        == 20
    )
    assert found == {}
    assert card_like(log_file.read_text()) == []
