"""ISO 4217 numeric codes, as card terminals want them.

``hardware`` may not import ``pos_desktop``, so this small table mirrors the one in
``pos_desktop.domain.money``; a test keeps the two in step.
"""

from __future__ import annotations

ISO_NUMERIC = {
    "EUR": "978", "USD": "840", "GBP": "826", "CHF": "756", "SEK": "752", "NOK": "578",
    "DKK": "208", "PLN": "985", "CZK": "203", "HUF": "348", "JPY": "392", "CAD": "124",
    "AUD": "036", "NZD": "554", "ISK": "352", "RON": "946", "BGN": "975",
}  # fmt: skip
ISO_ALPHA = {numeric: alpha for alpha, numeric in ISO_NUMERIC.items()}


def numeric_code(currency: str) -> str:
    """Return the 3-digit ISO 4217 numeric code for an alphabetic code (``"EUR"`` -> ``"978"``).

    Raises:
        ValueError: if the currency is unknown, with the list of known ones.
    """
    code = (currency or "").strip().upper()
    try:
        return ISO_NUMERIC[code]
    except KeyError:
        known = ", ".join(sorted(ISO_NUMERIC))
        raise ValueError(
            f"Currency {currency!r} has no ISO numeric code here; use one of {known}."
        ) from None


def alpha_code(numeric: str) -> str | None:
    """Return the alphabetic code for a numeric one (``"978"`` -> ``"EUR"``), or None."""
    return ISO_ALPHA.get(numeric)
