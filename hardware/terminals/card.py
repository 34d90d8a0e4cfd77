"""Reduce terminal card data to what the till may keep: a brand and the last four digits.

The card-data field of a terminal answer may hold a full card number (PAN). Nothing here
returns, stores or logs it: callers get ``(brand, last4)`` and the input goes out of scope.
"""

from __future__ import annotations

import re

# A run of 12-19 digits or mask characters that ends in four digits: a PAN, masked or not.
_PAN_LIKE = re.compile(r"(?<![0-9*Xx#])[0-9*Xx#]{8,15}[0-9]{4}(?![0-9])")

# (lowest IIN prefix, highest IIN prefix, brand); prefixes compared as 6-digit numbers.
_IIN_RANGES = (
    (340000, 349999, "amex"),
    (370000, 379999, "amex"),
    (222100, 272099, "mastercard"),
    (510000, 559999, "mastercard"),
    (300000, 305999, "diners"),
    (360000, 369999, "diners"),
    (380000, 399999, "diners"),
    (601100, 601199, "discover"),
    (644000, 659999, "discover"),
    (352800, 358999, "jcb"),
    (620000, 629999, "unionpay"),
    (500000, 509999, "maestro"),
    (560000, 589999, "maestro"),
    (670000, 679999, "maestro"),
    (400000, 499999, "visa"),
)


def brand_from_iin(first_digits: str) -> str | None:
    """Return a card brand from the first six digits of a card number, or None if unsure."""
    if len(first_digits) < 6 or not first_digits[:6].isdigit():
        return None
    iin = int(first_digits[:6])
    for low, high, brand in _IIN_RANGES:
        if low <= iin <= high:
            return brand
    return None


def summarize_card_data(card_data: str) -> tuple[str | None, str | None]:
    """Return ``(brand, last4)`` from a terminal's card-data field; never the number itself.

    Args:
        card_data: The raw field; it may contain a full or a masked card number.

    Returns:
        The brand (None when the first six digits are masked or unknown) and the last four
        digits (None when no card number is found).
    """
    match = _PAN_LIKE.search(card_data or "")
    if match is None:
        return None, None
    number = match.group(0)
    return brand_from_iin(number[:6]), number[-4:]


def luhn_valid(digits: str) -> bool:
    """True if ``digits`` passes the Luhn check (used by tests hunting for leaked PANs)."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def find_pans(text: str) -> list[str]:
    """Return every 13-19 digit Luhn-valid run in ``text`` (for leak checks in tests/audits)."""
    return [m for m in re.findall(r"(?<![0-9])[0-9]{13,19}(?![0-9])", text) if luhn_valid(m)]
