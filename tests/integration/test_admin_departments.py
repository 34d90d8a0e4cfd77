"""``pos-admin departments`` and ``unknown-barcodes``: the manager side of open-price sales."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pos_desktop.cli.admin import main
from pos_desktop.storage.db import open_database
from pos_desktop.storage.department_repo import DepartmentRepository


@pytest.fixture
def run(tmp_path, capsys):
    def call(*args: str):
        code = main(["--data-dir", str(tmp_path), *args])
        out, err = capsys.readouterr()
        return code, out, err

    code, _, err = call(
        "init", "--store-name", "Corner Shop", "--currency", "EUR",
        "--tax-rate", "A:Standard:20", "B:Reduced:7",
    )  # fmt: skip
    assert code == 0, err
    return call


def test_add_list_change_and_remove_a_department(run):
    assert run("departments", "add", "bakery", "Bakery", "--tax", "B", "--max", "50")[0] == 0
    code, out, _ = run("departments", "list")
    assert code == 0 and "BAKERY" in out and "Bakery" in out and "50.00" in out
    assert run("departments", "add", "BAKERY", "Bakery & cakes", "--tax", "A")[0] == 0
    assert "Bakery & cakes" in run("departments", "list")[1]
    assert run("departments", "remove", "bakery")[0] == 0
    assert "No departments" in run("departments", "list")[1]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("x y", "Name", "--tax", "A"), "not a department code"),
        (("DELI", "Deli", "--tax", "Z"), "no tax rate 'Z'"),
        (("DELI", "Deli", "--tax", "A", "--min", "9", "--max", "1"), "lowest price is above"),
        (("DELI", "Deli", "--tax", "A", "--max", "four"), "'four' is not an amount"),
    ],
)
def test_bad_departments_are_refused_with_the_reason_and_nothing_saved(run, args, says):
    code, _, err = run("departments", "add", *args)
    assert code == 1 and says in err
    assert "No departments" in run("departments", "list")[1]


def test_unknown_barcodes_are_listed_as_on_the_label(run, tmp_path):
    db = open_database(tmp_path / "till.sqlite")
    repo = DepartmentRepository(db)
    for _ in range(3):
        repo.record_unknown("04006381333931", datetime(2026, 12, 3, 9, tzinfo=UTC))
    db.close()
    code, out, _ = run("unknown-barcodes")
    assert code == 0 and "4006381333931" in out and " 3 " in out


def test_shelf_labels_pdf_for_the_demo_catalogue(run, tmp_path):
    assert run("demo-catalog", "--products", "30")[0] == 0
    code, out, _ = run("shelf-labels", "--sku", "SKU0000004", "--pdf", str(tmp_path / "l.pdf"))
    assert code == 0 and "1 label(s)" in out and (tmp_path / "l.pdf").stat().st_size > 1000
    code, _, err = run("shelf-labels", "--sku", "NOPE", "--pdf", str(tmp_path / "x.pdf"))
    assert code == 1 and "NOPE" in err and not (tmp_path / "x.pdf").exists()
    code, _, err = run("shelf-labels", "--changed-since", "yesterday", "--pdf", "x.pdf")
    assert code == 2 and "not a date" in err
