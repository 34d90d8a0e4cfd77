"""Money and time for people (receipts, screens): Babel, locale aware. Never used for storage."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from babel.numbers import format_currency, format_decimal

from pos_desktop.domain.money import Money


def money_text(amount: Money, locale: str, *, symbol: bool = False) -> str:
    """``12.50`` (or ``€12.50`` with ``symbol``) in the store's locale."""
    value = amount.to_decimal()
    if symbol:
        return format_currency(value, amount.currency, locale=locale)
    return format_currency(
        value, amount.currency, format="#,##0.00", locale=locale, currency_digits=True
    ).strip()


def quantity_text(quantity: Decimal, locale: str) -> str:
    if quantity == quantity.to_integral_value():
        return format_decimal(quantity.to_integral_value(), locale=locale)
    return format_decimal(quantity, format="#,##0.000", locale=locale)


def local_time_text(moment: datetime) -> str:
    """Local wall-clock time for display (storage stays UTC)."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
