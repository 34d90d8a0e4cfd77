"""CSV exports a spreadsheet opens safely: no cell is ever run as a formula.

A cell that starts with ``=``, ``+``, ``-``, ``@``, TAB or CR is a formula to Excel and
LibreOffice (CSV/formula injection, OWASP); an exported product name ``=HYPERLINK(...)`` would
run on the manager's machine. Every CSV the project writes goes through :func:`writer`, which
prefixes such cells with an apostrophe (shown as text, hidden by the spreadsheet). Signed
numbers such as ``-1.50`` stay numbers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

_SIGNED_NUMBER = re.compile(r"^[+-][0-9]+([.,][0-9]+)?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """``value`` as a cell a spreadsheet shows as text; non-text values pass unchanged."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if _SIGNED_NUMBER.match(value):
        return value  # a signed amount, not a formula
    return "'" + value


class SafeWriter:
    """``csv.writer`` whose every cell goes through :func:`spreadsheet_safe`."""

    def __init__(self, handle: TextIO, **fmtparams: Any) -> None:
        self._writer = csv.writer(handle, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([spreadsheet_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle: TextIO, **fmtparams: Any) -> SafeWriter:
    """The CSV writer every export uses (same arguments as :func:`csv.writer`)."""
    return SafeWriter(handle, **fmtparams)
