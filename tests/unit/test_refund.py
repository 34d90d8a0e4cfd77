"""Refunds: pro-rata lines, tenders mirrored (card before cash), never more than paid."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_desktop.domain.cart import Cart
from pos_desktop.domain.catalog import CatalogItem
from pos_desktop.domain.errors import DomainError, InvalidQuantity
from pos_desktop.domain.money import Money
from pos_desktop.domain.payment import Payment
from pos_desktop.domain.pricing import price_cart
from pos_desktop.domain.refund import (
    OriginalSale,
    ReturnItem,
    SoldLine,
    TenderAmount,
    original_from_checkout,
    original_from_sale,
    plan_refund,
    whole_return,
)
from pos_desktop.domain.sale import sale_from_cart
from pos_desktop.domain.tax import TaxRate
from pos_desktop.domain.tender import SplitTender

VAT = TaxRate("S", "VAT 25", Decimal(25))


def sale(lines, tenders, rounding=0, inc=1):
    return OriginalSale(
        "S1",
        "SEK",
        tuple(SoldLine(f"L{i}", Decimal(q), g, t, f"item{i}") for i, (q, g, t) in enumerate(lines)),
        tuple(TenderAmount(f"T{i}", k, k.title(), a) for i, (k, a) in enumerate(tenders)),
        rounding,
        inc,
    )


def test_partial_return_is_pro_rata_and_the_last_one_takes_the_rest():
    original = sale([(3, 1000, 200)], [("cash", 1000)])
    first = plan_refund(original, [ReturnItem("L0", Decimal(1))])
    assert (first.goods_minor, first.tax_minor) == (333, 67)
    second = plan_refund(original, [ReturnItem("L0", Decimal(1))], [first])
    third = plan_refund(original, [ReturnItem("L0", Decimal(1))], [first, second])
    assert [r.goods_minor for r in (first, second, third)] == [333, 334, 333]
    assert sum(r.tax_minor for r in (first, second, third)) == 200
    assert third.completes_sale and not second.completes_sale


def test_more_than_sold_is_refused_across_returns():
    original = sale([(2, 1000, 200)], [("card", 1000)])
    first = plan_refund(original, [ReturnItem("L0", Decimal(2))])
    with pytest.raises(DomainError, match=r"Only 0 of item0 can still be returned \(2 sold"):
        plan_refund(original, [ReturnItem("L0", Decimal(1))], [first])


def test_card_is_refunded_before_cash():
    original = sale([(1, 600, 0), (1, 400, 0)], [("cash", 300), ("card", 700)])
    refund = plan_refund(original, [ReturnItem("L0", Decimal(1))])
    assert [(t.kind, t.amount_minor) for t in refund.tenders] == [("card", 600)]
    rest = plan_refund(original, [ReturnItem("L1", Decimal(1))], [refund])
    assert [(t.kind, t.amount_minor) for t in rest.tenders] == [("card", 100), ("cash", 300)]


def test_cash_refund_is_rounded_and_the_last_refund_reverses_the_sale_rounding():
    # Sold for 10.02, paid 10.00 cash (rounding -0.02); cash increment 0.05.
    original = sale([(2, 1002, 0)], [("cash", 1000)], rounding=-2, inc=5)
    first = plan_refund(original, [ReturnItem("L0", Decimal(1))])
    assert (first.goods_minor, first.payout_minor, first.rounding_minor) == (501, 500, -1)
    last = plan_refund(original, [ReturnItem("L0", Decimal(1))], [first])
    assert (last.goods_minor, last.payout_minor, last.rounding_minor) == (501, 500, -1)
    assert first.payout_minor + last.payout_minor == original.paid_minor


def test_cash_rounding_never_pays_more_cash_than_was_paid():
    original = sale([(1, 3, 0), (1, 1, 0)], [("cash", 4)], inc=5)
    refund = plan_refund(original, [ReturnItem("L0", Decimal(1))])
    assert refund.payout_minor == 0  # 0.03 would round to 0.05, more than the 0.04 paid


def test_whole_return_refunds_everything_left():
    original = sale([(2, 500, 100), (Decimal("0.750"), 900, 180)], [("card", 1400)])
    original = OriginalSale(
        original.sale_id, original.currency,
        (original.lines[0], SoldLine("L1", Decimal("0.750"), 900, 180, "cheese", True)),
        original.tenders,
    )  # fmt: skip
    partial = plan_refund(original, [ReturnItem("L1", Decimal("0.250"))])
    rest = plan_refund(original, whole_return(original, [partial]), [partial])
    assert partial.goods_minor + rest.goods_minor == 1400
    assert rest.completes_sale
    assert whole_return(original, [partial, rest]) == []


@pytest.mark.parametrize(
    ("items", "error", "message"),
    [
        ([], DomainError, "at least one"),
        ([ReturnItem("X", Decimal(1))], DomainError, "not on this receipt"),
        ([ReturnItem("L0", Decimal(1))] * 2, DomainError, "listed twice"),
        ([ReturnItem("L0", Decimal(0))], InvalidQuantity, "more than zero"),
        ([ReturnItem("L0", Decimal("0.5"))], InvalidQuantity, "whole pieces"),
    ],
)
def test_bad_returns_get_a_message(items, error, message):
    with pytest.raises(error, match=message):
        plan_refund(sale([(2, 1000, 200)], [("cash", 1000)]), items)


def test_refund_of_another_sale_is_refused():
    other = plan_refund(sale([(1, 100, 0)], [("cash", 100)]), [ReturnItem("L0", Decimal(1))])
    moved = OriginalSale("S2", "SEK", (SoldLine("L0", Decimal(1), 100, 0),), ())
    with pytest.raises(DomainError, match="another receipt"):
        plan_refund(moved, [ReturnItem("L0", Decimal(1))], [other])


def test_from_checkout_and_from_stored_sale():
    item = CatalogItem("a", "a", "A", 1001, "SEK", VAT)
    cart = Cart("SEK", prices_include_tax=True)
    cart.add(item, 2)
    priced = price_cart(cart.lines, [], datetime(2026, 1, 1, tzinfo=UTC))
    split = SplitTender(priced.total, cash_increment_minor=5)
    split.add_card(Money(1000, "SEK"))
    split.add_cash(Money(2000, "SEK"))
    original = original_from_checkout("S9", priced, split)
    assert (original.goods_minor, original.paid_minor, original.rounding_minor) == (2002, 2000, -2)

    stored = sale_from_cart(
        cart,
        (Payment("cash", Money(2002, "SEK"), Money(2100, "SEK"), Money(98, "SEK")),),
        terminal_id="T1",
        completed_at=datetime(2026, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    again = original_from_sale(stored)
    assert (again.goods_minor, again.paid_minor, again.rounding_minor) == (2002, 2002, 0)
    assert again.tenders[0].kind == "cash"


sold_line = st.tuples(st.integers(1, 6), st.integers(0, 50_000), st.integers(0, 5_000))


@st.composite
def sales(draw):
    lines = draw(st.lists(sold_line, min_size=1, max_size=5))
    goods = sum(g for _, g, _ in lines)
    inc = draw(st.sampled_from([1, 5, 10]))
    kinds = draw(st.lists(st.sampled_from(["cash", "card", "voucher"]), min_size=1, max_size=3))
    rounding = draw(st.integers(-(inc // 2), inc // 2)) if "cash" in kinds else 0
    paid = max(goods + rounding, 0)
    cuts = sorted(draw(st.lists(st.integers(0, paid), min_size=len(kinds) - 1,
                                max_size=len(kinds) - 1)))  # fmt: skip
    amounts = [b - a for a, b in zip([0, *cuts], [*cuts, paid], strict=True)]
    return sale(lines, list(zip(kinds, amounts, strict=True)), paid - goods, inc)


@settings(max_examples=150, deadline=None)
@given(original=sales(), data=st.data())
def test_refunds_never_exceed_what_was_sold_and_paid(original, data):
    done = []
    for _ in range(data.draw(st.integers(1, 6))):
        left = whole_return(original, done)
        if not left:
            break
        picks = data.draw(st.lists(st.sampled_from(left), min_size=1, max_size=len(left),
                                   unique_by=lambda i: i.line_id))  # fmt: skip
        items = [ReturnItem(i.line_id, Decimal(data.draw(st.integers(1, int(i.quantity)))))
                 for i in picks]  # fmt: skip
        refund = plan_refund(original, items, done)
        assert refund.payout_minor == refund.goods_minor + refund.rounding_minor
        assert all(t.amount_minor > 0 for t in refund.tenders)
        done.append(refund)
    paid_by = {t.tender_id: t.amount_minor for t in original.tenders}
    for tender_id, paid in paid_by.items():
        back = sum(t.amount_minor for r in done for t in r.tenders if t.tender_id == tender_id)
        assert back <= paid
    assert sum(r.payout_minor for r in done) <= original.paid_minor
    assert sum(r.goods_minor for r in done) <= original.goods_minor
    for line in original.lines:
        assert sum(rl.quantity for r in done for rl in r.lines if rl.line_id == line.line_id) <= (
            line.quantity
        )
    if done and done[-1].completes_sale:
        assert sum(r.payout_minor for r in done) == original.paid_minor
        assert sum(r.goods_minor for r in done) == original.goods_minor
        assert sum(r.tax_minor for r in done) == sum(line.tax_minor for line in original.lines)
