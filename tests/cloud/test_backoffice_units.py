"""Pure helpers of the back office: amounts, quantities, CSV cells, charts, periods."""

from __future__ import annotations

import datetime as dt

import pytest

from pos_cloud.errors import BadInput
from pos_cloud.web import analytics, charts, exports, money, projector


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [("12.50", "EUR", 1250), ("12,5", "EUR", 1250), ("1 234", "JPY", 1234), ("0.125", "KWD", 125)],
)
def test_parse_amount(text, currency, minor):
    assert money.parse_amount(text, currency) == minor


@pytest.mark.parametrize("text", ["ten", "1.234", "", "nan", "inf"])
def test_parse_amount_refuses(text):
    with pytest.raises(BadInput):
        money.parse_amount(text, "EUR")


def test_display_and_decimal_text():
    assert money.display(-123456, "EUR") == "-1,234.56 EUR"
    assert money.decimal_text(5, "EUR", sep=",") == "0,05"
    assert money.decimal_text(1900, "XXX") == "19.00"


def test_quantity_micro_is_exact():
    assert projector.quantity_micro("0.000001") == 1
    assert projector.quantity_micro("-2.5") == -2_500_000
    assert projector.quantity_micro("x") == 0


def test_parse_utc():
    assert projector.parse_utc("2024-05-01T12:00:00+02:00") == dt.datetime(2024, 5, 1, 10)
    assert projector.parse_utc("2024-05-01T10:00:00Z") == dt.datetime(2024, 5, 1, 10)
    assert projector.parse_utc("yesterday") is None


@pytest.mark.parametrize("cell", ["=1+1", "+1+1", "-A1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(cell):
    assert exports.safe_cell(cell) == "'" + cell


def test_plain_cells_stay():
    assert exports.safe_cell("Pen 2") == "Pen 2" and exports.safe_cell(None) == ""
    assert exports.safe_cell("-1.50") == "-1.50"  # a signed amount, not a formula


def test_chart_escapes_labels():
    svg = charts.bar_chart([analytics.Bucket("<b>", 5, 3)], "Sales & more")
    assert "&lt;b&gt;" in svg and "Sales &amp; more" in svg and "<b>" not in svg


def test_period_bounds():
    day = dt.date(2024, 3, 14)  # a Thursday
    assert analytics.period_bounds("week", day) == (
        dt.date(2024, 3, 11),
        dt.date(2024, 3, 17),
        dt.date(2024, 3, 4),
        dt.date(2024, 3, 10),
    )
    assert analytics.period_bounds("month", day) == (
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 31),
        dt.date(2024, 2, 1),
        dt.date(2024, 2, 29),
    )
    assert analytics.period_bounds("year", day)[2:] == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
