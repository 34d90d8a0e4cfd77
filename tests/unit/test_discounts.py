"""Line and order discounts, price overrides and the approval threshold."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pos_desktop.domain.cart import CartLine
from pos_desktop.domain.catalog import CatalogItem
from pos_desktop.domain.discounts import (
    Adjustments,
    Discount,
    LineDiscount,
    PriceOverride,
    percent_of,
    share_order_discount,
)
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.pricing import price_cart
from pos_desktop.domain.tax import TaxRate

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
VAT = TaxRate("S", "VAT 25", Decimal(25))
FOOD = TaxRate("R", "VAT 12", Decimal(12))


def line(line_id, price, qty=1, rate=VAT):
    made = CartLine(CatalogItem(line_id, line_id, line_id, price, "SEK", rate), Decimal(qty))
    made.line_id = line_id
    return made


def priced(lines, **adjust):
    return price_cart(lines, [], NOW, adjustments=Adjustments(**adjust))


@pytest.mark.parametrize(
    ("discount", "expected_amount"),
    [(Discount(percent=Decimal(10)), 900), (Discount(percent=Decimal("12.5")), 875),
     (Discount(amount_minor=250), 750), (Discount(percent=Decimal(100)), 0)],
)  # fmt: skip
def test_line_discount(discount, expected_amount):
    result = priced([line("a", 1000)], line_discounts=(LineDiscount("a", discount),))
    assert result.lines[0].amount_minor == expected_amount
    assert result.lines[0].line_discount_minor == 1000 - expected_amount


def test_order_discount_is_shared_by_amount_and_tax_follows_each_line():
    lines = [line("a", 1000, rate=VAT), line("b", 500, rate=FOOD), line("c", 1, rate=FOOD)]
    result = priced(lines, order_discount=Discount(amount_minor=300))
    assert [p.order_discount_minor for p in result.lines] == [200, 100, 0]
    assert result.total_minor == 1201
    assert result.tax_minor == sum(row.tax for row in result.tax_summary)


def test_order_discount_after_line_discount():
    lines = [line("a", 1000), line("b", 1000)]
    result = priced(
        lines,
        line_discounts=(LineDiscount("a", Discount(amount_minor=500)),),
        order_discount=Discount(percent=Decimal(10)),
    )
    assert [p.amount_minor for p in result.lines] == [450, 900]


@pytest.mark.parametrize(
    ("percent", "limit", "needs"),
    [(Decimal(10), Decimal(10), False), (Decimal("10.01"), Decimal(10), True),
     (Decimal(50), Decimal(100), False)],
)  # fmt: skip
def test_discount_above_the_limit_needs_approval(percent, limit, needs):
    result = priced(
        [line("a", 10000)],
        line_discounts=(LineDiscount("a", Discount(percent=percent, reason="loyal")),),
        max_percent_without_approval=limit,
    )
    assert result.needs_approval is needs
    if needs:
        assert result.approvals[0].kind == "large_discount"
        assert "manager must approve" in result.approvals[0].message


def test_order_discount_approval_uses_the_order_base():
    result = priced([line("a", 1000), line("b", 1000)], order_discount=Discount(amount_minor=500))
    assert [(a.kind, a.line_id, a.percent) for a in result.approvals] == [
        ("large_discount", None, Decimal("25.00"))
    ]


def test_override_to_the_same_price_needs_no_approval():
    result = priced([line("a", 1000)], overrides=(PriceOverride("a", 1000, "checked"),))
    assert not result.needs_approval


def test_fixed_discount_larger_than_the_line_is_refused():
    with pytest.raises(DomainError, match="more than the line"):
        priced([line("a", 100)], line_discounts=(LineDiscount("a", Discount(amount_minor=101)),))
    with pytest.raises(DomainError, match="more than the order"):
        priced([line("a", 100)], order_discount=Discount(amount_minor=101))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({}, "not both"), ({"percent": Decimal(1), "amount_minor": 1}, "not both"),
     ({"percent": Decimal(0)}, "0-100"), ({"percent": Decimal(101)}, "0-100"),
     ({"amount_minor": 0}, "more than zero")],
)  # fmt: skip
def test_bad_discounts_are_refused(kwargs, message):
    with pytest.raises(DomainError, match=message):
        Discount(**kwargs)


def test_override_needs_a_reason_and_a_non_negative_price():
    with pytest.raises(DomainError, match="needs a reason"):
        PriceOverride("a", 100, "  ")
    with pytest.raises(DomainError, match="negative"):
        PriceOverride("a", -1, "x")


def test_helpers():
    assert percent_of(1, 3) == Decimal("33.33")
    assert percent_of(5, 0) == Decimal(0)
    assert share_order_discount(Discount(percent=Decimal(10)), [0, 0]) == [0, 0]
    assert share_order_discount(Discount(percent=Decimal(10)), [333, 667]) == [33, 67]
    with pytest.raises(DomainError):
        share_order_discount(Discount(amount_minor=10), [0, 0])
