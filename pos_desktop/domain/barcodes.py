"""Retail barcodes: GS1 check digits, UPC-E expansion, GTIN normalisation and scan parsing.

Every product code the till stores or looks up is a 14-digit GTIN (left-padded with zeros), so
EAN-13 ``4006381333931``, UPC-A ``036000291452`` and the GTIN-14 of the same item all meet.

Rule for 8-digit codes (EAN-8 and UPC-E share the length): an 8-digit code is EAN-8 when its
EAN-8 check digit is valid; otherwise, when it starts with 0 or 1, it is read as UPC-E and must
be valid as the expanded UPC-A. A code valid both ways (about one UPC-E in ten, e.g.
``01234565``) is EAN-8 unless the scanner sent the AIM id ``]E0`` (EAN/UPC, so 8 digits are
UPC-E; ``]E4`` is EAN-8); the other reading is kept in ``ScannedCode.alternative_gtin14`` so the
lookup can try it when the first finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from pos_common import gs1

from .errors import N_, InvalidBarcode

if TYPE_CHECKING:
    from .gs1 import GS1ElementString
    from .variable_measure import VariableMeasureCode

BARCODE_LENGTHS = (8, 12, 13, 14)
# AIM symbology identifiers that announce a GS1 element string (GS1-128, DataBar, DataMatrix, QR).
GS1_AIM_IDS = ("]C1", "]e0", "]d2", "]Q3")
_EAN_AIM_IDS = ("]E0", "]E4", "]E3")


def is_ascii_digits(text: str) -> bool:
    """True if ``text`` is non-empty and only ASCII 0-9 (``str.isdigit`` accepts '²' and '٣')."""
    return bool(text) and text.isascii() and text.isdigit()


def gs1_check_digit(payload: str) -> int:
    """Compute the GS1 mod-10 check digit of a payload (the code without its check digit).

    Weights are 3, 1, 3, 1, ... starting from the rightmost payload digit, so the same function
    serves EAN-8, UPC-A, EAN-13, GTIN-14 and SSCC.

    Args:
        payload: ASCII digits, at least one.

    Returns:
        The check digit 0-9.

    Raises:
        InvalidBarcode: if the payload is empty or not all digits.
    """
    if not is_ascii_digits(payload):
        raise InvalidBarcode(
            N_("'{payload}' is not a barcode: it must contain digits only."), payload=payload
        )
    return gs1.check_digit(payload)


def has_valid_check_digit(code: str) -> bool:
    """True if the last digit of ``code`` is the GS1 check digit of the rest."""
    return gs1.is_valid(code)


def expand_upce(code: str) -> str:
    """Expand an 8-digit UPC-E (``NS d1..d6 C``) to its 12-digit UPC-A.

    The expansion follows d6 (0-2, 3, 4, 5-9); the UPC-A check digit is recomputed and must match
    the UPC-E's own check digit.

    Args:
        code: 8 digits, number system 0 or 1.

    Returns:
        The 12-digit UPC-A, e.g. ``01234565`` -> ``012345000065``.

    Raises:
        InvalidBarcode: if the code is not a valid UPC-E.
    """
    if not is_ascii_digits(code) or len(code) != 8:
        raise InvalidBarcode(N_("'{code}' is not a UPC-E code: it must have 8 digits."), code=code)
    ns, d, check = code[0], code[1:7], code[7]
    if ns not in "01":
        raise InvalidBarcode(
            N_("'{code}' is not a UPC-E code: it must start with 0 or 1."), code=code
        )
    last = d[5]
    if last in "012":
        body = d[0:2] + last + "0000" + d[2:5]
    elif last == "3":
        body = d[0:3] + "00000" + d[3:5]
    elif last == "4":
        body = d[0:4] + "00000" + d[4]
    else:
        body = d[0:5] + "0000" + last
    payload = ns + body
    expected = gs1_check_digit(payload)
    if expected != int(check):
        raise InvalidBarcode(_wrong_check_message(code, expected))
    return payload + check


def _wrong_check_message(code: str, expected: int) -> str:
    return f"{code} has a wrong check digit (expected {expected}): scan it again or type it."


def _not_a_barcode_message(code: str) -> str:
    return f"'{code}' is not a barcode: use 8, 12, 13 or 14 digits."


def looks_like_barcode(text: str) -> bool:
    """True if ``text`` is all ASCII digits of a barcode length (8, 12, 13 or 14).

    Use it to tell a scan or typed code from a PLU or a name search; it does not check the
    check digit.
    """
    return is_ascii_digits(text) and len(text) in BARCODE_LENGTHS


@dataclass(frozen=True, slots=True)
class ScannedCode:
    """A plain product code: ``gtin14`` is the lookup key, ``kind`` the symbology read."""

    gtin14: str
    kind: str  # "ean13" | "ean8" | "upca" | "upce" | "gtin14"
    # An 8-digit code valid both as EAN-8 and as UPC-E: the other reading, to try when the
    # first finds no product.
    alternative_gtin14: str | None = None


def classify_gtin(code: str, *, prefer_upce: bool = False) -> ScannedCode:
    """Validate a numeric product code and say what it is.

    Args:
        code: the digits as scanned or typed (surrounding whitespace is ignored).
        prefer_upce: read an 8-digit code as UPC-E first (the scanner said EAN/UPC, not EAN-8).

    Returns:
        The 14-digit GTIN and the kind of code.

    Raises:
        InvalidBarcode: with a message for the cashier.
    """
    text = (code or "").strip()
    if not looks_like_barcode(text):
        raise InvalidBarcode(_not_a_barcode_message(text))
    if len(text) == 8:
        return _classify_eight(text, prefer_upce)
    expected = gs1_check_digit(text[:-1])
    if expected != int(text[-1]):
        raise InvalidBarcode(_wrong_check_message(text, expected))
    kind = {12: "upca", 13: "ean13", 14: "gtin14"}[len(text)]
    return ScannedCode(text.zfill(14), kind)


def _classify_eight(text: str, prefer_upce: bool) -> ScannedCode:
    ean8 = text.zfill(14) if has_valid_check_digit(text) else None
    upce = _upce_or_none(text)
    if ean8 and upce:
        if prefer_upce:
            return ScannedCode(upce, "upce", alternative_gtin14=ean8)
        return ScannedCode(ean8, "ean8", alternative_gtin14=upce)
    if ean8:
        return ScannedCode(ean8, "ean8")
    if upce:
        return ScannedCode(upce, "upce")
    if prefer_upce and text[0] in "01":
        expand_upce(text)  # raises with the UPC-E check digit the cashier should see
    raise InvalidBarcode(_wrong_check_message(text, gs1_check_digit(text[:-1])))


def _upce_or_none(text: str) -> str | None:
    if text[0] not in "01":
        return None
    try:
        return expand_upce(text).zfill(14)
    except InvalidBarcode:
        return None


def normalize_gtin(code: str) -> str:
    """Normalise EAN-13, EAN-8, UPC-A, UPC-E or GTIN-14 to the 14-digit GTIN used as lookup key.

    8-digit codes are EAN-8 when their EAN-8 check digit is valid, else UPC-E (see module doc).
    Normalisation is idempotent: a 14-digit result normalises to itself.

    Raises:
        InvalidBarcode: e.g. "4006381333932 has a wrong check digit (expected 1): scan it again
            or type it." or "'40063' is not a barcode: use 8, 12, 13 or 14 digits."
    """
    return classify_gtin(code).gtin14


def parse_scan(
    text: str,
    *,
    region: str = "SE",
    gs_substitute: str | None = None,
    today: date | None = None,
) -> ScannedCode | VariableMeasureCode | GS1ElementString:
    """Turn one scan (or typed code) into what the till should look up.

    * AIM ids ``]C1``/``]e0``/``]d2``/``]Q3``, or a long code starting with AI ``01``: a GS1
      element string (GTIN plus lot, expiry, weight, price).
    * An EAN-13 with a variable-measure prefix laid out for ``region``: a weight or price code
      whose ``gtin14`` is the lookup code (value zeroed).
    * Anything else numeric: a plain GTIN. ``]E0``/``]E4`` AIM ids are honoured for 8 digits.

    Every result has ``gtin14``: the key to look the product up by.

    Args:
        text: the scanned characters, with or without the terminating CR/LF.
        region: store setting choosing the national variable-measure layout (SE, NO, FI, DE...).
        gs_substitute: characters a keyboard-wedge scanner sends instead of GS (0x1D).
        today: business date for two-digit GS1 years (defaults to the system date).

    Raises:
        InvalidBarcode: with a message for the cashier when the code is not valid.
    """
    # Imported here because both modules build on this one's check digits.
    from .gs1 import parse_gs1
    from .variable_measure import decode_variable_measure, is_variable_measure

    raw = (text or "").strip("\r\n\t ")
    if raw.startswith(GS1_AIM_IDS) or _looks_like_bare_element_string(raw, gs_substitute):
        return parse_gs1(raw, gs_substitute=gs_substitute, today=today)
    prefer_upce = False
    if raw.startswith(_EAN_AIM_IDS):
        prefer_upce = raw.startswith("]E0")
        raw = raw[3:]
    scanned = classify_gtin(raw, prefer_upce=prefer_upce)
    if scanned.kind == "ean13" and is_variable_measure(raw, region):
        return decode_variable_measure(raw, region)
    return scanned


def _looks_like_bare_element_string(raw: str, gs_substitute: str | None) -> bool:
    # Scanners configured without AIM ids send "01" + GTIN + more AIs; a plain barcode is at most
    # 14 digits, so anything longer that starts with AI 01 can only be an element string.
    if gs_substitute:
        raw = raw.replace(gs_substitute, "\x1d")
    return raw.startswith(("01", "\x1d01")) and len(raw.lstrip("\x1d")) > 16
