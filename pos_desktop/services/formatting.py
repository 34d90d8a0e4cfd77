"""Money and time for people (receipts, screens): Babel, locale aware. Never used for storage."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency, format_decimal

from pos_desktop.domain.money import Money


@lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    return Locale.parse(name)  # parsing on every call cost more than the formatting itself


@lru_cache(maxsize=8192)  # a till shows the same few hundred amounts all day
def money_text(amount: Money, locale: str, *, symbol: bool = False) -> str:
    """``12.50`` (or ``€12.50`` with ``symbol``) in the store's locale."""
    value = amount.to_decimal()
    loc = _locale(locale)
    if symbol:
        return format_currency(value, amount.currency, locale=loc)
    return format_currency(
        value, amount.currency, format="#,##0.00", locale=loc, currency_digits=True
    ).strip()


@lru_cache(maxsize=4096)
def quantity_text(quantity: Decimal, locale: str) -> str:
    loc = _locale(locale)
    if quantity == quantity.to_integral_value():
        return format_decimal(quantity.to_integral_value(), locale=loc)
    return format_decimal(quantity, format="#,##0.000", locale=loc)


def local_time_text(moment: datetime) -> str:
    """Local wall-clock time for display (storage stays UTC)."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
