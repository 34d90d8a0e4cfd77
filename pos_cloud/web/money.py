"""Minor units <-> text for the pages and exports (the cloud does not import the till)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from pos_common import currencies

from ..errors import BadInput


def exponent(currency: str) -> int:
    """Digits after the decimal point of ``currency`` (the table all packages share)."""
    return currencies.exponent((currency or "").upper())


def decimal_text(minor: int, currency: str, sep: str = ".") -> str:
    """``1234`` EUR -> ``12.34`` (no grouping: for exports)."""
    places = exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(int(minor)), 10**places)
    return f"{sign}{whole}{sep}{frac:0{places}d}" if places else f"{sign}{whole}"


def display(minor: int | None, currency: str) -> str:
    """``123456`` EUR -> ``1,234.56 EUR`` for the pages."""
    if minor is None:
        return ""
    places = exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(int(minor)), 10**places)
    text = f"{whole:,}" + (f".{frac:0{places}d}" if places else "")
    return f"{sign}{text} {currency}"


def parse_amount(text: str, currency: str) -> int:
    """``12.5`` or ``12,50`` typed by a person -> minor units; BadInput when it is no amount."""
    raw = (text or "").strip().replace(" ", "")
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise BadInput(f"'{text}' is not an amount; write it like 12.50.") from None
    scaled = value * (10 ** exponent(currency))
    if scaled != scaled.to_integral_value() or not value.is_finite():
        raise BadInput(f"'{text}' has more decimals than {currency} allows.")
    return int(scaled)
