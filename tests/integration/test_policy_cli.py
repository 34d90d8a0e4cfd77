"""``pos-admin policy``: show the table, change a cell, demand a second person; audited."""

from __future__ import annotations

import pytest

from pos_desktop.cli.admin import main
from pos_desktop.storage.db import open_database


@pytest.fixture
def run(tmp_path, capsys):
    def call(*args: str):
        code = main(["--data-dir", str(tmp_path), *args])
        out, err = capsys.readouterr()
        return code, out, err

    assert (
        call("init", "--store-name", "Shop", "--currency", "EUR", "--tax-rate", "A:Std:20")[0] == 0
    )
    return call


def test_show_set_and_second_person(run, tmp_path):
    code, out, _ = run("policy", "show")
    assert code == 0
    void = next(line for line in out.splitlines() if line.startswith("void_line"))
    assert void.split()[:5] == ["void_line", "approval", "allowed", "allowed", "allowed"]
    assert run("policy", "set", "cashier", "void-line", "allowed")[0] == 0
    assert run("policy", "second-person", "cancel_sale", "on")[0] == 0
    out = run("policy", "show")[1]
    assert next(x for x in out.splitlines() if x.startswith("void_line")).split()[1] == "allowed"
    assert next(x for x in out.splitlines() if x.startswith("cancel_sale")).endswith("yes")
    db = open_database(tmp_path / "till.sqlite")
    try:
        events = [r[0] for r in db.execute_sql("SELECT event FROM audit_log").fetchall()]
    finally:
        db.close()
    assert events.count("policy.changed") == 2


def test_refuses_a_table_nobody_could_approve(run):
    for role in ("supervisor", "manager"):
        assert run("policy", "set", role, "refund", "approval")[0] == 0
    code, _, err = run("policy", "set", "admin", "refund", "refused")
    assert code != 0 and "Nobody could approve" in err
    code, _, err = run("policy", "set", "admin", "fly", "allowed")
    assert code != 0 and "not an action" in err
