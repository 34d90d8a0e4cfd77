"""Largest-remainder allocation: exact sums, fair parts, deterministic ties."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_desktop.domain.allocation import allocate, allocate_capped

weights_st = st.lists(st.integers(0, 10_000), min_size=1, max_size=30).filter(any)


@pytest.mark.parametrize(
    ("amount", "weights", "expected"),
    [
        (100, [1, 1, 1], [34, 33, 33]),  # tie: the earliest part gets the spare unit
        (-100, [1, 1, 1], [-34, -33, -33]),
        (10, [0, 5, 5], [0, 5, 5]),
        (7, [Fraction(1, 3), Fraction(2, 3)], [2, 5]),
        (0, [0, 0], [0, 0]),
        (1, [3, 1, 1], [1, 0, 0]),
        (5, [1, 2], [2, 3]),
    ],
)
def test_table(amount, weights, expected):
    assert allocate(amount, weights) == expected


def test_errors():
    with pytest.raises(ValueError, match="negative"):
        allocate(5, [1, -1])
    with pytest.raises(ValueError, match="all zero"):
        allocate(5, [0, 0])
    with pytest.raises(ValueError, match="at most"):
        allocate_capped(10, [1, 1], [3, 3])


@settings(deadline=None)
@given(amount=st.integers(-(10**9), 10**9), weights=weights_st)
def test_parts_sum_exactly_and_stay_within_one_unit_of_the_exact_share(amount, weights):
    parts = allocate(amount, weights)
    assert sum(parts) == amount
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - Fraction(amount * weight, total)) < 1


@settings(deadline=None)
@given(amount=st.integers(0, 10**6), weights=weights_st)
def test_allocation_is_deterministic_and_order_stable(amount, weights):
    assert allocate(amount, weights) == allocate(amount, list(weights))
    scaled = allocate(amount, [w * 7 for w in weights])
    assert scaled == allocate(amount, weights)  # only ratios matter


@settings(deadline=None)
@given(data=st.data(), weights=st.lists(st.integers(0, 1000), min_size=1, max_size=20))
def test_capped_allocation_respects_caps_and_sums(data, weights):
    caps = data.draw(st.lists(st.integers(0, 1000), min_size=len(weights), max_size=len(weights)))
    amount = data.draw(st.integers(0, sum(caps)))
    parts = allocate_capped(amount, weights, caps)
    assert sum(parts) == amount
    assert all(0 <= p <= c for p, c in zip(parts, caps, strict=True))
