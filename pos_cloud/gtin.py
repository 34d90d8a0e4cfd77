"""GTIN normalisation: every barcode is stored as a 14-digit GTIN with a valid check digit."""

from __future__ import annotations

from pos_common import gs1

from .errors import BadInput


def gtin14(value: str) -> str:
    """Normalise a GTIN-8/12/13/14 to 14 digits.

    Raises:
        BadInput: not 8, 12, 13 or 14 digits, or the check digit is wrong.
    """
    code = (value or "").strip()
    if not code.isdigit() or not code.isascii() or len(code) not in (8, 12, 13, 14):
        raise BadInput(f"'{value}' is not a GTIN: use 8, 12, 13 or 14 digits.")
    if not gs1.is_valid(code):
        raise BadInput(f"GTIN '{value}' has a wrong check digit; re-scan or re-type it.")
    return code.zfill(14)
