"""``pos-admin shift open|close|status`` and ``demo-sales`` inside a shift, as scripts run them."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from pos_desktop.domain.cash import CashCount
from pos_desktop.domain.errors import DomainError


def admin(data_dir, *args, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pos_desktop.cli.admin", "--data-dir", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_demo_sales_ring_up_inside_a_shift_and_report_x_works_right_after(tmp_path):
    done = admin(tmp_path, "demo-sales", "--sales", "15", "--seed", "3")
    assert done.returncode == 0, done.stderr
    assert "opened shift 1" in done.stdout
    report = admin(tmp_path, "report", "x")
    assert report.returncode == 0, report.stderr
    assert re.search(r"Gross sales\s+15\s", report.stdout)
    assert admin(tmp_path, "journal", "verify").returncode == 0
    again = admin(tmp_path, "demo-sales", "--sales", "2", "--seed", "4")
    assert "opened shift" not in again.stdout  # the open shift goes on
    assert re.search(r"Gross sales\s+17\s", admin(tmp_path, "report", "x").stdout)


def test_shift_open_close_status_for_scripts(tmp_path):
    assert admin(tmp_path, "demo-sales", "--sales", "3", "--seed", "5").returncode == 0
    status = admin(tmp_path, "shift", "status")
    assert "Shift 1 open" in status.stdout and "expected cash" in status.stdout
    expected = int(
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sqlite3,sys; db=sqlite3.connect(sys.argv[1]); "
                "print(db.execute('SELECT SUM(amount_minor) FROM cash_ledger').fetchone()[0])",
                str(tmp_path / "till.sqlite"),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    opened_twice = admin(tmp_path, "shift", "open", "--float", "5000")
    assert opened_twice.returncode == 1 and "already open" in opened_twice.stderr

    closed = admin(tmp_path, "shift", "close", "--counted", str(expected))
    assert closed.returncode == 0, closed.stderr
    assert "Z report 1" in closed.stdout and "exact" in closed.stdout
    assert "No shift is open" in admin(tmp_path, "shift", "status").stdout
    nothing = admin(tmp_path, "shift", "close", "--counted", "0")
    assert nothing.returncode == 1 and "nothing to close" in nothing.stderr

    opened = admin(tmp_path, "shift", "open", "--float", "7600")
    assert opened.returncode == 0 and "Shift 2 open" in opened.stdout
    assert "76.00" in opened.stdout
    assert admin(tmp_path, "journal", "verify", "--against-z").returncode == 0


def test_shift_commands_say_what_is_wrong(tmp_path):
    assert admin(tmp_path, "demo-sales", "--sales", "1", "--seed", "1").returncode == 0
    bad = admin(tmp_path, "shift", "open", "--float", "1.50")
    assert bad.returncode == 2 and "minor units" in bad.stderr
    off = admin(tmp_path, "shift", "close", "--counted", "1")
    assert off.returncode == 1 and "Count the drawer again" in off.stderr
    who = admin(tmp_path, "shift", "close", "--counted", "1", "--user", "Nobody", "--pin", "1234")
    assert who.returncode == 1
    pinless = admin(tmp_path, "shift", "close", "--counted", "1", "--user", "Nobody")
    assert pinless.returncode == 1 and "--pin" in pinless.stderr
    still_off = admin(tmp_path, "shift", "close", "--counted", "1")
    assert still_off.returncode == 1 and "reason code" in still_off.stderr
    confirmed = admin(tmp_path, "shift", "close", "--counted", "1", "--reason", "COUNT_CONFIRMED")
    assert confirmed.returncode == 0, confirmed.stderr
    assert "short" in confirmed.stdout


def test_a_till_user_with_a_pin_opens_and_closes_the_shift(tmp_path):
    assert admin(tmp_path, "demo-sales", "--sales", "1", "--seed", "1").returncode == 0
    added = admin(tmp_path, "users", "add", "Ann", "--role", "cashier", "--pin", "4321")
    assert added.returncode == 0, added.stderr
    expected = int(
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sqlite3,sys; db=sqlite3.connect(sys.argv[1]); "
                "print(db.execute('SELECT SUM(amount_minor) FROM cash_ledger').fetchone()[0])",
                str(tmp_path / "till.sqlite"),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    closed = admin(
        tmp_path,
        "shift",
        "close",
        "--counted",
        str(expected),
        "--user",
        "Ann",
        "--pin",
        "-",
        stdin="4321\n",
    )
    assert closed.returncode == 0, closed.stderr
    wrong = admin(tmp_path, "shift", "open", "--float", "5000", "--user", "Ann", "--pin", "0000")
    assert wrong.returncode == 1 and "PIN" in wrong.stderr
    assert "No shift is open" in admin(tmp_path, "shift", "status").stdout
    opened = admin(tmp_path, "shift", "open", "--float", "5000", "--user", "Ann", "--pin", "4321")
    assert opened.returncode == 0, opened.stderr
    assert "by Ann" in opened.stdout


@pytest.mark.parametrize(
    ("total", "pieces"),
    [(7600, ((5000, 1), (2000, 1), (500, 1), (100, 1))), (0, ()), (3, ((2, 1), (1, 1)))],
)
def test_a_float_total_is_made_of_the_fewest_notes_and_coins(total, pieces):
    assert CashCount.from_total("EUR", total).counts == pieces


def test_a_total_the_coins_cannot_make_is_refused():
    with pytest.raises(DomainError, match="cannot be made"):
        CashCount.from_total("CHF", 7603)  # CHF's smallest coin is 0.05
