"""ISO 4217 numeric codes, as card terminals want them.

The table is ``pos_common.currencies.NUMERIC``, shared with the till.
"""

from __future__ import annotations

from pos_common.currencies import NUMERIC

ISO_NUMERIC = NUMERIC
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
