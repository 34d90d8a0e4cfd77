"""The largest amounts the till handles: per unit price, per line and per sale.

In minor units of any currency (for EUR: 100,000.00 per line, 1,000,000.00 per sale). Far
above any countertop sale, far below where integer minor units would overflow a 64-bit column
(the cloud's) or a card terminal's 12-digit amount. Every entry path (scans, typed prices,
orders from apps, payment requests) is checked against them, so no sale exists that cannot be
stored, reported or paid.
"""

from __future__ import annotations

from .errors import N_, DomainError, Phrase

MAX_UNIT_PRICE_MINOR = 10_000_000  # 100,000.00
MAX_LINE_MINOR = 10_000_000  # 100,000.00
MAX_SALE_MINOR = 100_000_000  # 1,000,000.00


def check_unit_price(unit_price_minor: int, what: str = Phrase(N_("The price"))) -> int:
    """``unit_price_minor`` if it is 0..:data:`MAX_UNIT_PRICE_MINOR`.

    Raises:
        DomainError: negative or above the limit (the message names both).
    """
    if unit_price_minor < 0:
        raise DomainError(N_("{what} cannot be negative."), what=what)
    if unit_price_minor > MAX_UNIT_PRICE_MINOR:
        raise DomainError(
            N_(
                "{what} of {unit_price_minor} minor units is above the till's limit of "
                "{MAX_UNIT_PRICE_MINOR} per unit; check the amount."
            ),
            what=what,
            unit_price_minor=unit_price_minor,
            MAX_UNIT_PRICE_MINOR=MAX_UNIT_PRICE_MINOR,
        )
    return unit_price_minor


def check_line_amount(amount_minor: int, what: str = Phrase(N_("The line"))) -> int:
    """Raises DomainError when a line's amount is above :data:`MAX_LINE_MINOR`."""
    if amount_minor > MAX_LINE_MINOR:
        raise DomainError(
            N_(
                "{what} comes to {amount_minor} minor units, above the till's limit of "
                "{MAX_LINE_MINOR} per line; check the quantity and price."
            ),
            what=what,
            amount_minor=amount_minor,
            MAX_LINE_MINOR=MAX_LINE_MINOR,
        )
    return amount_minor


def check_sale_amount(amount_minor: int) -> int:
    """Raises DomainError when a sale's total is above :data:`MAX_SALE_MINOR`."""
    if amount_minor > MAX_SALE_MINOR:
        raise DomainError(
            N_(
                "The sale would come to {amount_minor} minor units, above the till's "
                "limit of {MAX_SALE_MINOR} per sale; split it into several sales."
            ),
            amount_minor=amount_minor,
            MAX_SALE_MINOR=MAX_SALE_MINOR,
        )
    return amount_minor
