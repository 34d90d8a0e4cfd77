"""Loyalty earn rules: per product group multipliers of the base rate, rounded down per sale."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.loyalty_rules import (
    group_rates_text,
    multiplier_for,
    parse_group_rates,
    points_earned,
    points_to_take_back,
)


def test_parse_and_print_group_rates():
    rates = parse_group_rates("Coffee=2, Tobacco=0,  Tea = 1.50 ,")
    assert rates == (("Coffee", Decimal(2)), ("Tobacco", Decimal(0)), ("Tea", Decimal("1.5")))
    assert group_rates_text(rates) == "Coffee=2, Tobacco=0, Tea=1.5"
    assert parse_group_rates(group_rates_text(rates)) == rates
    assert parse_group_rates("") == ()


@pytest.mark.parametrize(
    "text", ["Coffee", "=2", "Coffee=", "Coffee=abc", "Coffee=-1", "Coffee=101", "Coffee=1.00001"]
)
def test_bad_group_rates_are_refused(text):
    with pytest.raises(DomainError):
        parse_group_rates(text)


def test_multiplier_by_category_any_case_others_at_the_base_rate():
    rates = parse_group_rates("Coffee=2, Tobacco=0")
    assert multiplier_for("coffee", rates) == 2
    assert multiplier_for("Tobacco", rates) == 0
    assert multiplier_for("Bakery", rates) == 1
    assert multiplier_for(None, rates) == 1


def test_points_round_down_once_per_sale():
    # 1 point per 1.00: 3.50 coffee at x2 = 7, 0.99 at x1.5 = 1.485; 8.485 -> 8
    lines = [(Fraction(350), Decimal(2)), (Fraction(99), Decimal("1.5"))]
    assert points_earned(lines, 0, 1, 2) == 8
    assert points_earned(lines, 100, 1, 2) == 7  # 1.00 paid with points earns nothing
    assert points_earned(lines, 0, 0, 2) == 0  # loyalty off


lines_st = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=10**7),
        st.decimals(min_value=0, max_value=100, places=2, allow_nan=False),
    ),
    max_size=12,
)


@given(lines_st, st.integers(min_value=0, max_value=10**8), st.integers(0, 1000), st.integers(0, 3))
def test_points_are_never_negative(lines, by_points, per_unit, exponent):
    typed = [(Fraction(a), m) for a, m in lines]
    assert points_earned(typed, by_points, per_unit, exponent) >= 0


@given(
    lines_st,
    st.integers(min_value=0, max_value=10**6),
    st.integers(1, 1000),
    st.lists(st.integers(1, 5), max_size=5),
)
def test_refunds_of_a_sale_take_back_exactly_what_it_earned(lines, by_points, per_unit, cuts):
    """Refunds of parts of a sale, the last one returning the rest: each takes back 0 or more,
    never more than is left, and together exactly what the sale earned."""
    typed = [(Fraction(a), m) for a, m in lines]
    earned = points_earned(typed, by_points, per_unit, 2)
    taken, start = 0, 0
    for cut in cuts:
        part = typed[start : start + cut]
        start += cut
        got = points_to_take_back(points_earned(part, 0, per_unit, 2), earned, taken, False)
        assert 0 <= got <= earned - taken
        taken += got
    rest = points_earned(typed[start:], by_points, per_unit, 2)
    taken += points_to_take_back(rest, earned, taken, True)
    assert taken == earned


@given(lines_st, st.integers(min_value=0, max_value=10**6), st.integers(0, 1000))
def test_a_whole_refund_figures_what_the_sale_earned(lines, by_points, per_unit):
    typed = [(Fraction(a), m) for a, m in lines]
    earned = points_earned(typed, by_points, per_unit, 2)
    figured = points_earned(typed, by_points, per_unit, 2)  # the refund's lines: all of them
    assert points_to_take_back(figured, earned, 0, True) == earned == figured


def test_tiers_parse_from_the_lowest_threshold_and_read_back():
    from pos_desktop.domain.loyalty_rules import parse_tiers, tiers_text

    tiers = parse_tiers(" Gold=2000:1.50 , Silver=500:x1.25,")
    assert tiers == (("Silver", 500, Decimal("1.25")), ("Gold", 2000, Decimal("1.5")))
    assert tiers_text(tiers) == "Silver=500:1.25, Gold=2000:1.5"
    assert parse_tiers(tiers_text(tiers)) == tiers
    assert parse_tiers("") == () and parse_tiers(" , ") == ()
    assert parse_tiers("Top=1:10") == (("Top", 1, Decimal(10)),)


@pytest.mark.parametrize(
    "text, says",
    [
        ("Gold", "NAME=POINTS:MULTIPLIER"),
        ("Gold=2000", "NAME=POINTS:MULTIPLIER"),
        ("=2000:1.5", "NAME=POINTS:MULTIPLIER"),
        ("Gold=0:1.5", "not a threshold"),
        ("Gold=1.5:2", "not a threshold"),
        ("Gold=-3:2", "not a threshold"),
        ("Gold=2000:0.9", "not a tier multiplier"),
        ("Gold=2000:10.5", "not a tier multiplier"),
        ("Gold=2000:1.255", "not a tier multiplier"),
        ("Gold=2000:lots", "not a tier multiplier"),
        ("Gold=2000:1.5, gold=3000:2", "named twice"),
        ("Silver=500:1.25, Gold=500:1.5", "own threshold"),
    ],
)
def test_tiers_refuse_what_is_wrong_and_say_what(text, says):
    from pos_desktop.domain.loyalty_rules import parse_tiers

    with pytest.raises(DomainError) as err:
        parse_tiers(text)
    assert says in str(err.value)


def test_the_tier_is_the_highest_threshold_reached_and_none_when_unknown():
    from pos_desktop.domain.loyalty_rules import parse_tiers, tier_for

    tiers = parse_tiers("Silver=500:1.25, Gold=2000:1.5")
    assert tier_for(None, tiers) is None
    assert tier_for(499, tiers) is None
    assert tier_for(500, tiers) == ("Silver", Decimal("1.25"))
    assert tier_for(1999, tiers) == ("Silver", Decimal("1.25"))
    assert tier_for(2000, tiers) == ("Gold", Decimal("1.5"))
    assert tier_for(10**6, ()) is None
