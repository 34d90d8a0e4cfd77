"""pos_common: the one GS1 check digit and the one backoff, as every user of them sees them."""

import pytest

from pos_common import gs1
from pos_common.backoff import Backoff, jittered_delay


@pytest.mark.parametrize("code", ["4000000000013", "96385074", "036000291452", "10614141000415"])
def test_known_gs1_codes_are_valid(code):
    assert gs1.is_valid(code) and gs1.check_digit(code[:-1]) == int(code[-1])


@pytest.mark.parametrize("code", ["4000000000014", "4", "", "４000000000013", "40000000000l3"])
def test_wrong_or_foreign_digits_are_not_valid(code):
    assert not gs1.is_valid(code)


def test_backoff_doubles_into_its_upper_half_and_resets():
    top = Backoff(base=0.5, cap=4.0, rng=lambda: 1.0)
    assert [top.next_delay() for _ in range(5)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    top.reset()
    assert top.next_delay() == 0.5
    assert jittered_delay(3, 1.0, 600.0, 0.0) == 4.0  # the lowest draw is half the ceiling


def test_csv_exports_never_carry_a_formula(tmp_path):
    import csv

    from pos_common import csv_export

    path = tmp_path / "out.csv"
    cells = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "-1.50"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv_export.writer(handle).writerows([cells, ["plain", 12]])
    back = list(csv.reader(path.open(newline="", encoding="utf-8")))
    assert back[0][:5] == ["'" + c for c in cells[:5]]
    assert back[0][5] == "-1.50" and back[1] == ["plain", "12"]


def test_no_csv_is_written_without_the_safe_writer():
    """Every CSV export goes through pos_common.csv_export (grep-level guard)."""
    from pathlib import Path

    root = Path(__file__).parents[2]
    offenders = [
        str(p.relative_to(root))
        for package in ("pos_desktop", "pos_cloud", "hardware")
        for p in (root / package).rglob("*.py")
        if "csv.writer(" in p.read_text(encoding="utf-8")
        or "csv.DictWriter(" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []
