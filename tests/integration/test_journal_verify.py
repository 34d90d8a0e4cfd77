"""``pos-admin users|report|journal verify`` through a tiny argparse harness; tampered copies."""

import argparse
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_shifts_support import make_env, ring_sale

from pos_desktop.cli.admin_staff import add_subcommands


def run(data_dir: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="pos-admin")
    parser.add_argument("--data-dir", type=Path, required=True)
    add_subcommands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["--data-dir", str(data_dir), *argv])
    return args.handler(args)


@pytest.fixture
def data_dir(tmp_path):
    """A till with two closed shifts (two Z reports) and some sales."""
    env = make_env(tmp_path)
    for _ in range(2):
        env.shifts.open_shift(env.users["cashier"], env.shifts.count({1000: 5}))
        ring_sale(env, [(1000, "A")])
        ring_sale(env, [(250, "B")], tender="card")
        env.shifts.close_shift(env.users["manager"], env.shifts.count({1000: 6}))
    env.close()
    return tmp_path


def tamper(data_dir: Path, *sql: str) -> Path:
    """A copy of the till with SQL applied behind the app's back (triggers dropped)."""
    copy = data_dir / "copy"
    copy.mkdir()
    shutil.copy(data_dir / "till.sqlite", copy / "till.sqlite")
    conn = sqlite3.connect(copy / "till.sqlite")
    conn.executescript(
        "DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete;" + ";".join(sql)
    )
    conn.close()
    return copy


def test_intact_journal_verifies(data_dir, capsys):
    assert run(data_dir, "journal", "verify", "--against-z") == 0
    assert "journal OK: 8 records" in capsys.readouterr().out


@pytest.mark.parametrize(
    "sql,named",
    [
        (["UPDATE journal SET body = replace(body, '1000', '100') WHERE seq = 2"], "record 2"),
        (["DELETE FROM journal WHERE seq = 3"], "record 3"),
        (
            [
                "UPDATE journal SET seq = seq + 100 WHERE seq = 2",
                "UPDATE journal SET seq = 2 WHERE seq = 3",
                "UPDATE journal SET seq = 3 WHERE seq = 102",
            ],
            "record 2",
        ),
        (["DELETE FROM journal WHERE seq >= 7"], "record 8"),
    ],
    ids=["edited", "deleted", "reordered", "truncated"],
)
def test_tampering_is_detected_and_named(data_dir, capsys, sql, named):
    copy = tamper(data_dir, *sql)
    assert run(copy, "journal", "verify", "--against-z") == 1
    out = capsys.readouterr().out
    assert "journal BROKEN" in out and named in out


def test_truncation_needs_the_z_heads(data_dir, capsys):
    copy = tamper(data_dir, "DELETE FROM journal WHERE seq >= 7")
    assert run(copy, "journal", "verify") == 0  # the chain alone cannot see a cut tail
    assert run(copy, "journal", "verify", "--against-z") == 1


def test_users_commands(tmp_path, capsys):
    env = make_env(tmp_path)
    env.close()
    assert run(tmp_path, "users", "add", "Dana", "--role", "supervisor", "--pin", "24680") == 0
    assert run(tmp_path, "users", "disable", "Cashier") == 0
    assert run(tmp_path, "users", "reset-pin", "Dana", "--pin", "13579") == 0
    assert run(tmp_path, "users", "list") == 0
    out = capsys.readouterr().out
    assert "added Dana (supervisor)" in out
    assert any(line.startswith("Cashier") and "disabled" in line for line in out.splitlines())
    with pytest.raises(Exception, match="already exists"):
        run(tmp_path, "users", "add", "dana", "--role", "cashier", "--pin", "1234")


def test_report_commands_and_pdf(data_dir, capsys, tmp_path):
    assert run(data_dir, "report", "z") == 0
    assert "Z REPORT 2" in capsys.readouterr().out
    with pytest.raises(Exception, match="No shift is open"):
        run(data_dir, "report", "x")
    pdf = tmp_path / "z.pdf"
    assert run(data_dir, "report", "z", "--pdf", str(pdf)) == 0
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Corner Market (demo)" in text and "Z report 2" in text and "Currency EUR" in text
    assert "Tenders" in text and "Sales per hour (EUR)" in text and "Hour starting" in text


def test_report_cli_needs_no_qt(tmp_path):
    """``pos-admin`` renders PDFs without the UI layer or Qt (no child process either)."""
    code = "import sys, pos_desktop.cli.admin; print('PySide6' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(Exception, match="No till database"):
        run(tmp_path / "nothing", "users", "list")
