"""ISO 4217 facts the till, the drivers and the cloud all need (one copy).

Source: the ISO 4217 list of currency codes and their minor units, as published by its
maintenance agency (SIX).
"""

from __future__ import annotations

# ISO 4217 minor-unit exponents that differ from 2 (the default).
EXPONENTS = {
    "BHD": 3,
    "BIF": 0,
    "CLF": 4,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "IQD": 3,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "PYG": 0,
    "RWF": 0,
    "TND": 3,
    "UGX": 0,
    "UYI": 0,
    "UYW": 4,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
}
# ISO 4217 numeric codes for the currencies a card terminal is most likely to be asked for.
NUMERIC = {
    "EUR": "978",
    "USD": "840",
    "GBP": "826",
    "CHF": "756",
    "SEK": "752",
    "NOK": "578",
    "DKK": "208",
    "PLN": "985",
    "CZK": "203",
    "HUF": "348",
    "JPY": "392",
    "CAD": "124",
    "AUD": "036",
    "NZD": "554",
    "ISK": "352",
    "RON": "946",
    "BGN": "975",
}


def exponent(currency: str) -> int:
    """Decimal places of the minor unit of an upper-case ISO code (2 unless listed)."""
    return EXPONENTS.get(currency, 2)
