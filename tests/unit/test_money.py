from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.errors import CurrencyMismatch
from pos_desktop.domain.money import Money, currency_exponent, round_half_up

amounts = st.integers(min_value=-(10**12), max_value=10**12)


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        Money(1.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(100, "EUR") * 1.5  # type: ignore[operator]


def test_money_refuses_mixed_currencies():
    with pytest.raises(CurrencyMismatch, match="EUR with USD"):
        Money(1, "EUR") + Money(1, "USD")


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("12.50", "EUR", 1250),
        ("12,5", "EUR", 1250),
        ("0.1", "EUR", 10),
        ("1500", "JPY", 1500),
        ("1.234", "KWD", 1234),
        (" 7 ", "EUR", 700),
    ],
)
def test_parse_is_exact(text, currency, minor):
    assert Money.parse(text, currency) == Money(minor, currency)


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "NaN", "Infinity", "12.345"])
def test_parse_rejects_with_a_message(text):
    with pytest.raises(ValueError) as err:
        Money.parse(text, "EUR")
    assert str(err.value)


def test_exponents():
    assert currency_exponent("EUR") == 2
    assert currency_exponent("jpy") == 0
    assert currency_exponent("KWD") == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("2.5"), 3),
        (Decimal("-2.5"), -3),
        (Decimal("2.4999"), 2),
        (Fraction(5, 2), 3),
        (Fraction(-5, 2), -3),
        (Fraction(7, 3), 2),
        (Fraction(-7, 3), -2),
        (0, 0),
    ],
)
def test_round_half_up_away_from_zero(value, expected):
    assert round_half_up(value) == expected


@given(st.integers(-(10**9), 10**9), st.integers(1, 10**6))
def test_round_half_up_matches_decimal(n, d):
    exact = Fraction(n, d)
    as_decimal = (Decimal(n) / Decimal(d)).quantize(Decimal("1.000000000000000000"))
    # Both views of the same value round to within one unit and never further than half.
    assert abs(Fraction(round_half_up(exact)) - exact) <= Fraction(1, 2)
    assert abs(round_half_up(exact) - round_half_up(as_decimal)) <= 1


@given(amounts, amounts)
def test_addition_is_exact_and_commutative(a, b):
    assert Money(a, "EUR") + Money(b, "EUR") == Money(b, "EUR") + Money(a, "EUR")
    assert (Money(a, "EUR") + Money(b, "EUR") - Money(b, "EUR")).amount_minor == a


@given(st.integers(min_value=0, max_value=10**8))
def test_parse_round_trips_display_value(a):
    money = Money(a, "EUR")
    assert Money.parse(format(money.to_decimal(), "f"), "EUR") == money
