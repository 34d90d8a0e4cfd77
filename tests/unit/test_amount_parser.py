"""The one amount parser (every amount field uses it through Money.parse): plain amounts only,
bounded, fast, and never an exception other than ValueError with a message."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_desktop.domain.amounts import MAX_TYPED_CHARS, parse_amount_minor
from pos_desktop.domain.limits import MAX_SALE_MINOR
from pos_desktop.domain.money import Money


@pytest.mark.parametrize(
    "text",
    [
        "1e999997",
        "1e999998",
        "1E5",
        "-5",
        "+5",
        "0x10",
        "١٢",
        "12..5",
        "1,234.50",
        "NaN",
        "inf",
        "9" * 40,
        "1_000",
        "\x00",
        "12 .5.",
        ".",
        ",",
    ],
)
def test_not_plain_amounts_are_refused_with_a_message(text):
    started = time.perf_counter()
    with pytest.raises(ValueError) as err:
        Money.parse(text, "EUR")
    assert "amount" in str(err.value) or "decimals" in str(err.value)
    assert time.perf_counter() - started < 0.05  # no 46 s freeze


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("12.50", "EUR", 1250),
        ("12,5", "EUR", 1250),
        (".5", "EUR", 50),
        ("12.", "EUR", 1200),
        ("1 000,00", "EUR", 100_000),
        ("12.500", "EUR", 1250),
        ("1500", "JPY", 1500),
        ("1.234", "KWD", 1234),
    ],
)
def test_plain_amounts(text, currency, minor):
    assert Money.parse(text, currency).amount_minor == minor


def test_the_value_is_bounded():
    top = f"{MAX_SALE_MINOR // 100}.00"
    assert Money.parse(top, "EUR").amount_minor == MAX_SALE_MINOR
    with pytest.raises(ValueError, match="more than the till accepts"):
        Money.parse(f"{MAX_SALE_MINOR // 100}.01", "EUR")


def test_too_many_decimals_for_the_currency():
    with pytest.raises(ValueError, match="at most 0 decimals"):
        Money.parse("12.5", "JPY")


@settings(max_examples=3000, deadline=200)
@given(st.text(max_size=60))
def test_fuzz_any_text_is_an_amount_or_a_value_error(text):
    try:
        minor = parse_amount_minor(text, 2, "EUR")
    except ValueError as err:
        assert str(err)
        return
    assert 0 <= minor <= MAX_SALE_MINOR and len(text) <= MAX_TYPED_CHARS


@settings(max_examples=1000, deadline=200)
@given(st.text(alphabet="0123456789.,eE+- ", max_size=40))
def test_fuzz_amount_like_text(text):
    try:
        minor = parse_amount_minor(text, 2, "EUR")
    except ValueError:
        return
    assert 0 <= minor <= MAX_SALE_MINOR


@given(st.integers(0, MAX_SALE_MINOR), st.sampled_from([0, 2, 3]))
def test_round_trip(minor, exponent):
    text = (
        str(minor)
        if exponent == 0
        else f"{minor // 10**exponent}.{minor % 10**exponent:0{exponent}d}"
    )
    assert parse_amount_minor(text, exponent) == minor


@pytest.mark.parametrize(
    ("text", "value"), [("15", "15"), ("12,5", "12.5"), ("7.25", "7.25"), ("100", "100")]
)
def test_percentages(text, value):
    from decimal import Decimal

    from pos_desktop.domain.amounts import parse_percent

    assert parse_percent(text) == Decimal(value)


@settings(max_examples=2000, deadline=200)
@given(st.text(max_size=60))
def test_fuzz_percent(text):
    from pos_desktop.domain.amounts import parse_percent

    try:
        value = parse_percent(text)
    except ValueError as err:
        assert str(err)
        return
    assert 0 <= value <= 100
