"""The GS1 mod-10 check digit (EAN-8, UPC-A, EAN-13, GTIN-14, SSCC).

Specification: GS1 General Specifications, section 7.9 "Check digit calculation".
"""

from __future__ import annotations


def check_digit(payload: str) -> int:
    """The check digit of ``payload`` (the code without its check digit).

    Weights are 3, 1, 3, 1, ... from the rightmost payload digit, so one function serves every
    GS1 length.

    Args:
        payload: ASCII digits (the caller says what is wrong with anything else).

    Returns:
        The check digit 0-9.
    """
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return (10 - total % 10) % 10


def is_valid(code: str) -> bool:
    """True if ``code`` is two or more ASCII digits whose last is the check digit of the rest."""
    return (
        len(code) >= 2
        and code.isascii()
        and code.isdigit()
        and check_digit(code[:-1]) == int(code[-1])
    )
