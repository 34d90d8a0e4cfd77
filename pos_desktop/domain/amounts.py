"""The one parser for amounts a person types: cash given, split amounts, cash movements,
price overrides and discounts, drawer counts, CSV prices.

Plain amounts only: ASCII digits with at most one decimal separator ("." or ","), spaces as
digit grouping, at most the currency's decimals, at most :data:`MAX_TYPED_DIGITS` digits and
:data:`~pos_desktop.domain.limits.MAX_SALE_MINOR` in value. No sign, exponent, NaN or
Infinity: ``1e999997`` is refused at once instead of being expanded by ``decimal`` (which froze
the till for 46 s).
"""

from __future__ import annotations

import re
from decimal import Decimal

from .errors import N_, InvalidAmount
from .limits import MAX_SALE_MINOR

MAX_TYPED_CHARS = 32  # longer text is not an amount, whatever it holds
MAX_TYPED_DIGITS = 15
_PLAIN = re.compile(r"([0-9]*)(?:[.,]([0-9]*))?")


def parse_amount_minor(text: str, exponent: int, currency: str = "") -> int:
    """``text`` (major units, e.g. "12.50" or "12,5") as exact minor units.

    Args:
        text: what the person typed.
        exponent: the currency's decimals (2 for EUR, 0 for JPY).
        currency: the currency code, for the messages.

    Raises:
        InvalidAmount: (a ``ValueError``) with a message saying what is wrong and what to type.
    """
    shown = (text or "")[:MAX_TYPED_CHARS]
    example = "12" if exponent == 0 else "12." + "5" * exponent
    not_amount = InvalidAmount(
        N_("'{shown}' is not an amount; type digits like {example}."), shown=shown, example=example
    )
    if text is None or len(text) > MAX_TYPED_CHARS:
        raise not_amount
    cleaned = text.strip().replace(" ", "")
    match = _PLAIN.fullmatch(cleaned)
    if match is None:
        raise not_amount
    whole, decimals = match.group(1), match.group(2) or ""
    if not (whole or decimals) or len(whole) + len(decimals) > MAX_TYPED_DIGITS:
        raise not_amount
    decimals = decimals.rstrip("0")
    if len(decimals) > exponent:
        if currency:
            raise InvalidAmount(
                N_("{currency} amounts have at most {exponent} decimals: '{shown}'."),
                currency=currency,
                exponent=exponent,
                shown=shown,
            )
        raise InvalidAmount(
            N_("Amounts have at most {exponent} decimals: '{shown}'."),
            exponent=exponent,
            shown=shown,
        )
    scale: int = 10**exponent
    minor = int(whole or "0") * scale + int(decimals.ljust(exponent, "0") or "0")
    if minor > MAX_SALE_MINOR:
        raise InvalidAmount(
            N_("'{shown}' is more than the till accepts ({most} at most); check the amount."),
            shown=shown,
            most=MAX_SALE_MINOR // 10**exponent,
        )
    return minor


def parse_percent(text: str) -> Decimal:
    """A typed percentage ("15", "12.5", "7,25"): plain digits, at most 2 decimals, 0-100.

    Raises:
        InvalidAmount: (a ``ValueError``) with a message saying what to type.
    """
    shown = (text or "")[:MAX_TYPED_CHARS]
    cleaned = (text or "").strip()
    match = _PLAIN.fullmatch(cleaned) if len(cleaned) <= MAX_TYPED_CHARS else None
    if match is None or not (match.group(1) or match.group(2)):
        raise InvalidAmount(
            N_("'{shown}' is not a percentage; type digits like 15 or 12.5."), shown=shown
        )
    whole, decimals = match.group(1) or "0", (match.group(2) or "").rstrip("0")
    if len(decimals) > 2:
        raise InvalidAmount(N_("A percentage has at most 2 decimals: '{shown}'."), shown=shown)
    value = Decimal(f"{int(whole)}.{decimals or '0'}")
    if value > 100:
        raise InvalidAmount(
            N_("A discount of {shown} % is not possible: use 0-100 %."), shown=shown
        )
    return value
