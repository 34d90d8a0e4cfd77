"""Promotion rules as a shop sees them: table tests through price_cart."""

from datetime import UTC, datetime, time
from decimal import Decimal

import pytest

from pos_desktop.domain.cart import CartLine
from pos_desktop.domain.catalog import CatalogItem
from pos_desktop.domain.discounts import Adjustments, PriceOverride
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.pricing import price_cart
from pos_desktop.domain.promotions import (
    AmountOff,
    BuyXGetY,
    MixAndMatch,
    PercentOff,
    QuantityPrice,
    Window,
)
from pos_desktop.domain.tax import TaxRate

VAT = TaxRate("S", "VAT 25 %", Decimal(25))
NOW = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)  # a Wednesday


def item(pid: str, price: int, *, weight: bool = False) -> CatalogItem:
    return CatalogItem(pid, pid, pid.title(), price, "SEK", VAT, sold_by_weight=weight)


def line(pid: str, price: int, qty="1", *, weight: bool = False, line_id: str | None = None):
    made = CartLine(item(pid, price, weight=weight), Decimal(qty))
    if line_id:
        made.line_id = line_id
    return made


def amounts(lines, promos, now=NOW, **kw):
    priced = price_cart(lines, promos, now, currency="SEK", **kw)
    return [p.amount_minor for p in priced.lines]


def three_for_five(**kw):
    return QuantityPrice(
        promotion_id="3for5", name="3 for 5.00", product_ids=frozenset({"cola"}), quantity=3,
        price_minor=500, **kw,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("qty", "expected"), [("1", 200), ("2", 400), ("3", 500), ("4", 700), ("7", 1200)]
)
def test_quantity_price_three_for_five(qty, expected):
    assert amounts([line("cola", 200, qty)], [three_for_five()]) == [expected]


def test_quantity_price_never_costs_more_than_the_pieces():
    assert amounts([line("cola", 150, "3")], [three_for_five()]) == [450]


def test_quantity_price_counts_each_product_separately():
    promo = QuantityPrice(
        promotion_id="q", name="2 for 3", product_ids=frozenset({"a", "b"}), quantity=2,
        price_minor=300,
    )  # fmt: skip
    assert amounts([line("a", 200), line("b", 200)], [promo]) == [200, 200]
    assert amounts([line("a", 200, "2"), line("b", 200)], [promo]) == [300, 200]


def yoghurts(**kw):
    return MixAndMatch(
        promotion_id="yog", name="Any 3 yoghurts 5.00", product_ids=frozenset({"ya", "yb"}),
        quantity=3, price_minor=500, **kw,
    )  # fmt: skip


def test_mix_and_match_across_products_shares_saving_by_value():
    lines = [line("ya", 200, "2"), line("yb", 180)]
    priced = price_cart(lines, [yoghurts()], NOW)
    assert [p.amount_minor for p in priced.lines] == [345, 155]  # 80 saved: 55 + 25
    assert priced.total_minor == 500
    assert priced.promotions[0].savings_minor == 80


def test_mix_and_match_bundles_the_dearest_pieces():
    lines = [line("yb", 180, "2"), line("ya", 200, "2")]
    # bundle = ya, ya, yb (580 -> 500); one yb stays at 180
    assert sum(amounts(lines, [yoghurts()])) == 680


def test_buy_two_get_one_free_cheapest_in_each_group():
    promo = BuyXGetY(
        promotion_id="b2g1", name="3 for 2", product_ids=frozenset({"x", "y", "z"}), buy=2, get=1
    )
    lines = [line("x", 1000, "2"), line("y", 800, "2"), line("z", 500, "2")]
    # dearest first: 10 10 8 | 8 5 5 -> an 8 and a 5 are free
    assert amounts(lines, [promo]) == [2000, 800, 500]


def test_buy_one_get_one_half_price():
    promo = BuyXGetY(
        promotion_id="bogo", name="2nd half price", product_ids=frozenset({"x"}), buy=1, get=1,
        percent_off=Decimal(50),
    )  # fmt: skip
    assert amounts([line("x", 400, "2")], [promo]) == [600]
    assert amounts([line("x", 400, "3")], [promo]) == [1000]


def test_percent_off_group_rounds_half_up_per_line():
    promo = PercentOff(
        promotion_id="p", name="10 % off fruit", product_ids=frozenset({"a", "b"}),
        percent=Decimal(10),
    )  # fmt: skip
    assert amounts([line("a", 125), line("b", 999), line("c", 500)], [promo]) == [112, 899, 500]


def test_amount_off_per_unit_and_per_kilo():
    promo = AmountOff(
        promotion_id="a", name="0.50 off", product_ids=frozenset({"a", "w"}), amount_minor=50
    )
    lines = [line("a", 300, "3"), line("w", 2000, "0.500", weight=True)]
    assert amounts(lines, [promo]) == [750, 975]


def test_amount_off_group_never_goes_below_zero():
    promo = AmountOff(
        promotion_id="a", name="10.00 off", product_ids=frozenset({"a", "b"}), amount_minor=1000,
        per_unit=False,
    )  # fmt: skip
    assert amounts([line("a", 400), line("b", 200)], [promo]) == [0, 0]
    assert amounts([line("a", 1500), line("b", 500)], [promo]) == [750, 250]


def test_quantity_promotions_ignore_lines_sold_by_weight():
    promo = QuantityPrice(
        promotion_id="q", name="2 for 1", product_ids=frozenset({"w"}), quantity=2, price_minor=1
    )
    assert amounts([line("w", 1000, "2.000", weight=True)], [promo]) == [2000]


@pytest.mark.parametrize(
    ("window", "active"),
    [
        (Window(daily_start=time(16), daily_end=time(18)), True),
        (Window(daily_start=time(17, 1), daily_end=time(18)), False),
        (Window(daily_start=time(22), daily_end=time(2)), False),
        (Window(daily_start=time(16), daily_end=time(2)), True),  # wraps past midnight
        (Window(weekdays=frozenset({2})), True),  # Wednesday
        (Window(weekdays=frozenset({5, 6})), False),
        (Window(starts_at=NOW), True),  # start inclusive
        (Window(ends_at=NOW), False),  # end exclusive
        (Window(starts_at=NOW.replace(month=1), ends_at=NOW.replace(month=4)), True),
    ],
)  # fmt: skip
def test_time_windows(window, active):
    promo = three_for_five(window=window)
    assert amounts([line("cola", 200, "3")], [promo]) == [500 if active else 600]


def ten_percent(**kw):
    return PercentOff(
        promotion_id="ten", name="10 %", product_ids=frozenset({"cola"}), percent=Decimal(10), **kw
    )


def test_combinable_promotions_stack_in_priority_order():
    # 3 for 5.00 first (priority 2): 600 -> 500, then 10 % of 500.
    promos = [ten_percent(priority=1), three_for_five(priority=2)]
    priced = price_cart([line("cola", 200, "3")], promos, NOW)
    assert priced.lines[0].amount_minor == 450
    assert [a.promotion_id for a in priced.lines[0].applied] == ["3for5", "ten"]


def test_exclusive_promotion_blocks_later_ones_on_its_lines():
    promos = [ten_percent(priority=1), three_for_five(priority=2, exclusive=True)]
    assert amounts([line("cola", 200, "3")], promos) == [500]


def test_exclusive_promotion_skips_lines_already_reduced():
    promos = [ten_percent(priority=2), three_for_five(priority=1, exclusive=True)]
    assert amounts([line("cola", 200, "3")], promos) == [540]


def test_equal_priority_applies_in_promotion_id_order_whatever_the_list_order():
    lines = [line("cola", 200, "3")]
    promos = [three_for_five(), ten_percent()]
    assert price_cart(lines, promos, NOW) == price_cart(lines, promos[::-1], NOW)
    assert price_cart(lines, promos, NOW).lines[0].amount_minor == 450  # "3for5" < "ten"


def test_overridden_line_takes_no_promotion():
    cola = line("cola", 200, "3", line_id="L1")
    adjustments = Adjustments(overrides=(PriceOverride("L1", 150, "damaged"),))
    priced = price_cart([cola], [three_for_five()], NOW, adjustments=adjustments)
    assert priced.lines[0].amount_minor == 450
    assert priced.lines[0].applied == ()


@pytest.mark.parametrize(
    "make",
    [
        lambda: QuantityPrice(promotion_id="q", name="q", product_ids=frozenset(), quantity=0,
                              price_minor=1),
        lambda: BuyXGetY(promotion_id="b", name="b", product_ids=frozenset(), buy=1, get=0),
        lambda: PercentOff(promotion_id="p", name="p", product_ids=frozenset(),
                           percent=Decimal(101)),
        lambda: AmountOff(promotion_id="a", name="a", product_ids=frozenset(), amount_minor=0),
    ],
)  # fmt: skip
def test_bad_promotion_definitions_are_refused(make):
    with pytest.raises(DomainError):
        make()
