"""Denominations, counts by denomination and variance."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.cash import DENOMINATIONS, CashCount, Variance, denominations
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money


def test_builtin_and_configured_denominations():
    assert denominations("eur")[0] == 50000 and denominations("EUR")[-1] == 1
    assert denominations("EUR", [100, 500, 200]) == (500, 200, 100)
    with pytest.raises(DomainError, match="No cash denominations are configured for XAF"):
        denominations("XAF")
    with pytest.raises(DomainError, match="positive"):
        denominations("EUR", [0, 100])


def test_count_total_and_validation():
    count = CashCount.from_mapping("EUR", {5000: 2, 200: 3, 1: 0, 5: 1})
    assert count.total() == Money(10605, "EUR")
    assert count.counts == ((5000, 2), (200, 3), (5, 1))
    with pytest.raises(DomainError, match="not a EUR note or coin"):
        CashCount.from_mapping("EUR", {300: 1})
    with pytest.raises(DomainError, match="0 or more"):
        CashCount.from_mapping("EUR", {100: -1})
    with pytest.raises(DomainError, match="not a EUR note or coin"):
        CashCount.from_mapping("EUR", {50000: 1}, allowed=[100, 200])


@given(st.dictionaries(st.sampled_from(DENOMINATIONS["EUR"]), st.integers(0, 10_000)))
def test_json_round_trip_keeps_total(pieces):
    count = CashCount.from_mapping("EUR", pieces)
    again = CashCount.from_json("EUR", count.to_json())
    assert again == count
    assert count.total().amount_minor == sum(v * n for v, n in pieces.items())


@given(st.integers(-(10**6), 10**6), st.integers(-(10**6), 10**6), st.integers(0, 10**4))
def test_variance_sign_and_threshold(expected, counted, threshold):
    v = Variance("cash", Money(expected, "EUR"), Money(counted, "EUR"))
    assert v.difference.amount_minor == counted - expected
    assert v.outcome == (
        "over" if counted > expected else "short" if counted < expected else "exact"
    )
    assert v.exceeds(threshold) == (abs(counted - expected) > threshold)
    assert v.to_json()["difference_minor"] == counted - expected
