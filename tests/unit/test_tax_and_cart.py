from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.cart import Cart
from pos_desktop.domain.catalog import CatalogItem
from pos_desktop.domain.errors import CurrencyMismatch, InvalidQuantity
from pos_desktop.domain.money import Money
from pos_desktop.domain.tax import TaxRate, split_tax

VAT20 = TaxRate("A", "Standard", Decimal("20"))
VAT55 = TaxRate("B", "Reduced", Decimal("5.5"))


def item(n=1, price=199, rate=VAT20, currency="EUR", by_weight=False):
    return CatalogItem(
        f"p{n}", f"SKU{n}", f"Item {n}", price, currency, rate, gtin=None, sold_by_weight=by_weight
    )


@pytest.mark.parametrize(
    ("amount", "inclusive", "net", "tax", "gross"),
    [
        (1200, True, 1000, 200, 1200),  # 12.00 incl. 20 % -> 2.00 tax
        (1000, False, 1000, 200, 1200),
        (199, True, 166, 33, 199),  # 33.1667 -> 33
        (105, True, 100, 5, 105),  # 5.5 %: 105 * 5.5/105.5 = 5.47 -> 5
        (10, False, 10, 2, 12),  # 2.0 exactly
        (25, False, 25, 5, 30),  # 5.0
        (1, True, 1, 0, 1),
    ],
)
def test_split_tax_table(amount, inclusive, net, tax, gross):
    rate = VAT55 if amount == 105 else VAT20
    split = split_tax(amount, rate, prices_include_tax=inclusive)
    assert (split.net, split.tax, split.gross) == (net, tax, gross)


def test_tax_half_rounds_up():
    # 12.5 % of 4 = 0.5 -> 1 (half up, not banker's rounding)
    rate = TaxRate("H", "Half", Decimal("12.5"))
    assert split_tax(4, rate, prices_include_tax=False).tax == 1


def test_rates_out_of_range_are_refused():
    with pytest.raises(Exception, match="outside"):
        TaxRate("X", "Bad", Decimal("100"))


def test_cart_add_merges_repeated_scans_and_totals_reconcile():
    cart = Cart("EUR", prices_include_tax=True)
    a, b = item(1, 199, VAT20), item(2, 105, VAT55)
    cart.add(a)
    cart.add(a)
    cart.add(b)
    assert [ln.quantity for ln in cart.lines] == [2, 1]
    totals = cart.totals()
    assert totals.total == Money(2 * 199 + 105, "EUR")
    assert totals.subtotal + totals.tax == totals.total
    assert [row.code for row in totals.tax_summary] == ["A", "B"]


def test_cart_quantity_rules():
    cart = Cart("EUR", prices_include_tax=False)
    line = cart.add(item())
    with pytest.raises(InvalidQuantity, match="whole number"):
        cart.set_quantity(line.line_id, "1.5")
    with pytest.raises(InvalidQuantity, match="more than zero"):
        cart.set_quantity(line.line_id, "0")
    with pytest.raises(InvalidQuantity, match="not a quantity"):
        cart.set_quantity(line.line_id, "two")
    cart.set_quantity(line.line_id, "3")
    assert cart.totals().subtotal == Money(597, "EUR")
    cart.remove(line.line_id)
    assert cart.is_empty and cart.totals().total == Money(0, "EUR")


def test_weighed_item_rounds_half_up():
    cart = Cart("EUR", prices_include_tax=True)
    cart.add(item(9, 1299, VAT55, by_weight=True), Decimal("0.345"))  # 4.48155 -> 4.48
    assert cart.totals().total == Money(448, "EUR")


def test_cart_refuses_foreign_currency():
    with pytest.raises(CurrencyMismatch):
        Cart("EUR", prices_include_tax=True).add(item(currency="USD"))


line_st = st.tuples(
    st.integers(0, 100_000),
    st.integers(1, 50),
    st.sampled_from(
        [VAT20, VAT55, TaxRate("Z", "Zero", Decimal("0")), TaxRate("C", "Odd", Decimal("7.7"))]
    ),
)


@given(st.lists(line_st, min_size=1, max_size=30), st.booleans())
def test_totals_always_reconcile(lines, inclusive):
    cart = Cart("EUR", prices_include_tax=inclusive)
    for n, (price, qty, rate) in enumerate(lines):
        cart.add(item(n, price, rate), qty)
    t = cart.totals()
    assert t.subtotal + t.tax == t.total
    assert sum(r.tax for r in t.tax_summary) == t.tax.amount_minor
    assert sum(r.gross for r in t.tax_summary) == t.total.amount_minor
    for row in t.tax_summary:
        assert row.net + row.tax == row.gross
    priced = sum(price * qty for price, qty, _ in lines)
    assert (t.total if inclusive else t.subtotal).amount_minor == priced
