"""Bonus-points promotions: no price change, extra loyalty points on the lines they cover."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.loyalty_rules import bonus_for, points_earned, points_to_take_back
from pos_desktop.domain.pricing import price_cart
from pos_desktop.domain.promotions import BonusPoints, PercentOff, Window
from tests.unit.test_promotions import NOW, line


def bonus(pid="b", products=("coffee",), **kw) -> BonusPoints:
    return BonusPoints(promotion_id=pid, name=pid, product_ids=frozenset(products), **kw)


def test_a_bonus_promotion_changes_no_price_and_shows_no_saving():
    lines = [line("coffee", 350, "2"), line("tea", 200)]
    priced = price_cart(lines, [bonus(multiplier=Decimal(2), exclusive=True)], NOW, currency="SEK")
    assert [p.amount_minor for p in priced.lines] == [700, 200]
    assert priced.savings_minor == 0 and priced.promotions == ()
    assert all(p.applied == () for p in priced.lines)


def test_a_bonus_promotion_does_not_block_an_exclusive_one():
    lines = [line("coffee", 1000)]
    promos = [
        bonus(multiplier=Decimal(3), exclusive=True, priority=9),
        PercentOff(
            promotion_id="p", name="p", product_ids=frozenset({"coffee"}), percent=Decimal(10),
            exclusive=True,
        ),
    ]  # fmt: skip
    priced = price_cart(lines, promos, NOW, currency="SEK")
    assert priced.lines[0].amount_minor == 900
    assert [a.promotion_id for a in priced.lines[0].applied] == ["p"]


@pytest.mark.parametrize(
    "kw",
    [
        {},  # neither above neutral
        {"multiplier": Decimal(1), "extra_points": 0},
        {"multiplier": Decimal("0.5")},
        {"multiplier": Decimal(101)},
        {"multiplier": Decimal("1.255")},
        {"multiplier": Decimal("NaN")},
        {"extra_points": -1},
        {"extra_points": 100_001},
    ],
)
def test_bad_bonus_promotions_are_refused(kw):
    with pytest.raises(DomainError):
        bonus(**kw)


def test_highest_multiplier_wins_extras_add_up_per_piece():
    promos = [
        bonus("a", multiplier=Decimal(2), extra_points=10),
        bonus("b", multiplier=Decimal(3)),
        bonus("c", extra_points=50),
        bonus("d", products=("tea",), multiplier=Decimal(5), extra_points=7),
        PercentOff(
            promotion_id="p", name="p", product_ids=frozenset({"coffee"}), percent=Decimal(5)
        ),
    ]
    assert bonus_for(promos, "coffee", 4) == (Decimal(3), 240)
    assert bonus_for(promos, "coffee", 0) == (Decimal(3), 0)  # sold by weight: no extras
    assert bonus_for(promos, "bread", 2) == (Decimal(1), 0)
    assert bonus_for([], "coffee", 2) == (Decimal(1), 0)


def test_a_bonus_promotion_runs_in_its_window_only():
    promo = bonus(
        multiplier=Decimal(2),
        window=Window(starts_at=datetime(2026, 3, 1, tzinfo=UTC), ends_at=NOW),
    )
    assert promo.is_active(datetime(2026, 3, 2, tzinfo=UTC))
    assert not promo.is_active(NOW)


def test_extra_points_are_added_before_rounding_down_once():
    # 1 point per 1.00: 3.50 at x2 = 7 points, + 50 extra; 0.99 at x1 = 0.99 -> 57.99 -> 57
    lines = [(Fraction(350), Decimal(2)), (Fraction(99), Decimal(1))]
    assert points_earned(lines, 0, 1, 2, 50) == 57
    assert points_earned(lines, 0, 1, 2, Fraction(1, 3)) == 8  # a refund's share of extras
    assert points_earned(lines, 10**6, 1, 2, 50) == 50  # points paid all: the extras stay
    assert points_earned(lines, 0, 0, 2, 50) == 0  # loyalty off: no bonus either


line_st = st.tuples(
    st.integers(min_value=1, max_value=10**6),  # line gross
    st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False),  # group x bonus
    st.integers(min_value=0, max_value=100_000 * 50),  # extra points of the line
    st.integers(min_value=1, max_value=5),  # in how many refunds it goes back
)


@given(st.lists(line_st, min_size=1, max_size=8), st.integers(1, 1000))
def test_a_refund_split_in_parts_never_takes_back_more_than_earned(lines, per_unit):
    """Each line goes back in parts (each part its share of the line's amount and extras), the
    last refund returning the rest: each takes back 0 or more, never more than is left, and
    together exactly what the sale earned."""
    earned = points_earned(
        [(Fraction(g), m) for g, m, _, _ in lines], 0, per_unit, 2, sum(e for _, _, e, _ in lines)
    )
    parts = []  # (line, share of its gross) per refund
    for g, m, e, n in lines:
        cuts = [g // n] * (n - 1) + [g - (g // n) * (n - 1)]
        parts += [(g, m, e, Fraction(c, g)) for c in cuts if c]
    taken = 0
    for g, m, e, share in parts[:-1]:
        figured = points_earned([(g * share, m)], 0, per_unit, 2, e * share)
        got = points_to_take_back(figured, earned, taken, False)
        assert 0 <= got <= earned - taken
        taken += got
    taken += points_to_take_back(0, earned, taken, True)
    assert taken == earned
