"""Amounts are bounded in the domain: per unit price, per line and per sale."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pos_desktop.domain.cart import Cart
from pos_desktop.domain.catalog import CatalogItem
from pos_desktop.domain.discounts import PriceOverride
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.limits import MAX_LINE_MINOR, MAX_SALE_MINOR, MAX_UNIT_PRICE_MINOR
from pos_desktop.domain.tax import TaxRate

RATE = TaxRate("A", "Standard", Decimal(20))


def item(price: int, sku: str = "S1") -> CatalogItem:
    return CatalogItem(
        product_id=sku, sku=sku, name=sku, unit_price_minor=price, currency="EUR", tax_rate=RATE
    )


def test_a_unit_price_above_the_limit_is_refused():
    cart = Cart("EUR", prices_include_tax=True)
    with pytest.raises(DomainError, match="limit"):
        cart.add(item(MAX_UNIT_PRICE_MINOR + 1))
    assert cart.is_empty


def test_a_line_above_the_limit_is_refused_and_the_cart_is_unchanged():
    cart = Cart("EUR", prices_include_tax=True)
    cart.add(item(MAX_LINE_MINOR // 2))
    cart.add(item(MAX_LINE_MINOR // 2))  # merged: exactly the limit
    with pytest.raises(DomainError, match="per line"):
        cart.add(item(MAX_LINE_MINOR // 2))
    assert cart.lines[0].quantity == 2


def test_a_sale_above_the_limit_is_refused():
    cart = Cart("EUR", prices_include_tax=True)
    for n in range(MAX_SALE_MINOR // MAX_LINE_MINOR):
        cart.add(item(MAX_LINE_MINOR, f"S{n}"))
    with pytest.raises(DomainError, match="per sale"):
        cart.add(item(1, "LAST"))


def test_a_quantity_change_is_bounded():
    cart = Cart("EUR", prices_include_tax=True)
    line = cart.add(item(MAX_LINE_MINOR))
    with pytest.raises(DomainError, match="per line"):
        cart.set_quantity(line.line_id, 2)
    assert line.quantity == 1


def test_a_price_override_is_bounded():
    with pytest.raises(DomainError, match="limit"):
        PriceOverride("L1", 10**20, "Price match")
