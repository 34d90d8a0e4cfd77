"""The product catalogue CSV: one format, read the same way by the till and the cloud.

The format is documented in docs/ADMIN.md ("CSV format"). In short: a header row naming the
columns ``sku,name,price,tax_code,barcodes[,active][,sold_by_weight][,category]`` (any order,
any case),
``price`` in major units ("1.29" or "1,29"), ``barcodes`` zero or more GTINs separated by ``|``.

What spreadsheets really write is accepted and said back to the user:

- encoding: UTF-8 with or without the BOM, else Windows-1252 (cp1252, what Excel's plain "CSV"
  writes in Western Europe); anything else is refused with the byte that is wrong;
- delimiter: comma, semicolon (German/French Excel) or tab, taken from the header row;
- decimal comma in prices ("1,29"), which a semicolon or tab file needs no quotes for.

Text that would harm whoever reads it later is refused with the row and the reason: control
characters (NUL included), bidirectional overrides and zero-width characters (a SKU that looks
like another), and a leading ``=``, ``+``, ``-``, ``@`` (a spreadsheet formula when the catalogue
is exported and opened again). Exports neutralise such cells with ``pos_common.csv_export``.

Pure standard library; the till (``pos_desktop.services.csv_import``) and the cloud
(``pos_cloud.csv_import``) add their own checks (tax codes, barcode owners, the database).
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from .currencies import exponent

REQUIRED_COLUMNS = ("sku", "name", "price", "tax_code", "barcodes")
OPTIONAL_COLUMNS = ("active", "sold_by_weight", "category")
COLUMNS_HELP = "sku,name,price,tax_code,barcodes[,active][,sold_by_weight][,category]"
MAX_SKU_LENGTH = 64
MAX_NAME_LENGTH = 200
MAX_CATEGORY_LENGTH = 100
MAX_PRICE_MINOR = 10**12 - 1  # far above any shelf price, far below a 64-bit integer
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
FORMULA_PREFIXES = ("=", "+", "-", "@")

# Plain decimal text only: Decimal() would also accept "1e3", "NaN" and signs.
_PRICE_TEXT = re.compile(r"^[0-9]+([.,][0-9]+)?$")
_TRUE = frozenset({"1", "true", "yes", "y"})
_FALSE = frozenset({"0", "false", "no", "n"})
_CHUNK = 1 << 20


class CatalogFileError(ValueError):
    """The file as a whole cannot be read (missing, not text, no header, unknown columns)."""


class RowProblem(ValueError):
    """What is wrong with one row, in words for the person who made the file.

    ``line`` (the file line the row starts on) and ``sku`` are set when the reader yields it.
    """

    line: int = 0
    sku: str = ""


@dataclass(frozen=True, slots=True)
class Detected:
    """How the file was read; :meth:`describe` says it to the user."""

    encoding: str  # "utf-8-sig" | "utf-8" | "cp1252"
    delimiter: str

    def describe(self) -> str:
        names = {
            "utf-8-sig": "UTF-8 with BOM",
            "utf-8": "UTF-8",
            "cp1252": "Windows-1252 (not UTF-8)",
        }
        return f"{names[self.encoding]}, {DELIMITERS[self.delimiter]}-separated"


@dataclass(frozen=True, slots=True)
class CatalogRow:
    """One product as the file gives it, checked for form (not yet against a store)."""

    line: int
    sku: str
    name: str
    price_text: str  # plain decimal text, "1.29" or "1,29"
    tax_code: str
    barcodes: tuple[str, ...]  # as typed; each side validates and normalises them
    active: bool
    sold_by_weight: bool
    # The product group: None when the file has no category column (keep what is stored),
    # "" when the cell is empty (no group).
    category: str | None = None

    def price_minor(self, currency: str) -> int:
        """The price in exact minor units of ``currency`` (raises RowProblem)."""
        return parse_price(self.price_text, currency)


def detect_encoding(path: Path) -> str:
    """``utf-8-sig``, ``utf-8`` or ``cp1252``; the whole file is checked, in chunks.

    Raises:
        CatalogFileError: when the file is neither (naming the first bad byte).
    """
    with path.open("rb") as handle:
        first = handle.read(_CHUNK)
        encoding = "utf-8-sig" if first.startswith(codecs.BOM_UTF8) else "utf-8"
        decoder = codecs.getincrementaldecoder("utf-8")()
        chunk, offset = first, 0
        try:
            while chunk:
                decoder.decode(chunk)
                offset += len(chunk)
                chunk = handle.read(_CHUNK)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            if encoding == "utf-8-sig":
                raise CatalogFileError(
                    f"{path}: starts as UTF-8 (BOM) but is not UTF-8 further on; "
                    "save it again as 'CSV UTF-8'."
                ) from None
    try:  # Windows-1252 leaves five bytes undefined; a file using one is not that either
        with path.open("rb") as handle:
            cp1252 = codecs.getincrementaldecoder("cp1252")()
            while chunk := handle.read(_CHUNK):
                cp1252.decode(chunk)
    except UnicodeDecodeError as err:
        raise CatalogFileError(
            f"{path}: neither UTF-8 nor Windows-1252 text (byte 0x{err.object[err.start]:02x}); "
            "save it as 'CSV UTF-8'."
        ) from None
    return "cp1252"


def _header_delimiter(first_line: str) -> str:
    """The delimiter that makes the most known column names out of the header line."""
    known = set(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)

    def score(delimiter: str) -> int:
        fields = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(1 for f in fields if f.strip().lower() in known)

    return max(DELIMITERS, key=score)  # ties: the first, comma


Rows = Iterator[CatalogRow | RowProblem]


def read_catalog(path: Path | str) -> tuple[Detected, Rows]:
    """Open ``path``, detect its encoding and delimiter, and read the header.

    Returns:
        How the file was read, and an iterator over its rows: a :class:`CatalogRow` for a row
        whose form is right, else a :class:`RowProblem` carrying ``line`` and ``sku``
        attributes. Blank lines are skipped. The iterator reads the file as it goes.

    Raises:
        CatalogFileError: the file is missing, unreadable, not text, empty or its header is
            wrong (every later problem is a row's).
    """
    path = Path(path)
    try:
        encoding = detect_encoding(path)
        handle = path.open(newline="", encoding=encoding)
    except FileNotFoundError:
        raise CatalogFileError(f"{path}: no such file; check the path.") from None
    except OSError as err:
        raise CatalogFileError(f"{path}: cannot be read ({err.strerror or err}).") from None
    try:
        first = ""
        for text in handle:
            if text.strip():
                first = text
                break
        delimiter = _header_delimiter(first)
        detected = Detected(encoding, delimiter)
        handle.seek(0)
        records = _numbered(csv.reader(handle, delimiter=delimiter))
        columns = _header(records, path, detected)
    except csv.Error as err:
        handle.close()
        raise CatalogFileError(f"{path}: not a readable CSV file ({err}).") from None
    except BaseException:
        handle.close()
        raise
    return detected, _rows(handle, records, columns, path)


Records = Iterator[tuple[int, list[str]]]


def _numbered(reader: Any) -> Records:
    """Each record with the line it starts on (quoted fields may span several lines)."""
    start = 1
    for fields in reader:
        yield start, fields
        start = reader.line_num + 1


def _header(records: Records, path: Path, detected: Detected) -> dict[str, int]:
    for _line, fields in records:
        if not any(f.strip() for f in fields):
            continue  # blank lines before the header
        names = [f.strip().lower().lstrip("\ufeff") for f in fields]
        missing = [c for c in REQUIRED_COLUMNS if c not in names]
        if missing:
            raise CatalogFileError(
                f"{path}: line 1: the header row is missing or incomplete (no column "
                f"{', '.join(missing)}; read as {detected.describe()}); the first row must "
                f"name the columns: {COLUMNS_HELP}."
            )
        known = set(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
        unknown = [n for n in names if n not in known]
        if unknown:
            raise CatalogFileError(
                f"{path}: line 1: unknown column {', '.join(repr(n) for n in unknown)}; "
                f"the columns are {COLUMNS_HELP}."
            )
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise CatalogFileError(f"{path}: line 1: column {', '.join(repeated)} appears twice.")
        return {name: i for i, name in enumerate(names)}
    raise CatalogFileError(f"{path}: the file is empty; it needs a header row: {COLUMNS_HELP}.")


def _rows(handle: TextIO, records: Records, columns: dict[str, int], path: Path) -> Rows:
    with handle:
        try:
            for line, fields in records:
                if not any(f.strip() for f in fields):
                    continue
                sku = fields[columns["sku"]].strip() if len(fields) > columns["sku"] else ""
                try:
                    yield _row(line, fields, columns)
                except RowProblem as problem:
                    problem.line, problem.sku = line, sku
                    yield problem
        except csv.Error as err:
            raise CatalogFileError(f"{path}: not a readable CSV file ({err}).") from None


def _row(line: int, fields: list[str], columns: dict[str, int]) -> CatalogRow:
    if len(fields) != len(columns):
        names = list(columns)
        if len(fields) < len(columns):
            absent = ", ".join(names[len(fields) :])
            raise RowProblem(
                f"{len(fields)} fields but the header has {len(columns)}: missing column {absent}"
            )
        raise RowProblem(
            f"{len(fields)} fields but the header has {len(columns)} columns; "
            "quote fields that contain the delimiter"
        )

    def get(name: str) -> str:
        return fields[columns[name]].strip() if name in columns else ""

    sku, name = get("sku"), get("name")
    if not sku:
        raise RowProblem("sku is empty")
    check_text("sku", sku)
    if len(sku) > MAX_SKU_LENGTH or any(c.isspace() for c in sku):
        raise RowProblem(f"sku must be 1-{MAX_SKU_LENGTH} characters without spaces")
    if not name:
        raise RowProblem("name is empty")
    check_text("name", name)
    if len(name) > MAX_NAME_LENGTH:
        raise RowProblem(f"name is longer than {MAX_NAME_LENGTH} characters")
    price = get("price")
    if not price:
        raise RowProblem("price is empty; write it like 1.29")
    if not _PRICE_TEXT.match(price):
        raise RowProblem(f"bad price '{price}'; write it like 1.29 (no sign, symbol or spaces)")
    tax_code = get("tax_code")
    check_text("tax_code", tax_code)
    barcodes = tuple(dict.fromkeys(p.strip() for p in get("barcodes").split("|") if p.strip()))
    category = None
    if "category" in columns:
        category = " ".join(get("category").split())
        check_text("category", category)
        if len(category) > MAX_CATEGORY_LENGTH:
            raise RowProblem(f"category is longer than {MAX_CATEGORY_LENGTH} characters")
    return CatalogRow(
        line=line,
        sku=sku,
        name=name,
        price_text=price,
        tax_code=tax_code,
        barcodes=barcodes,
        active=_flag(get("active"), "active", default=True),
        sold_by_weight=_flag(get("sold_by_weight"), "sold_by_weight", default=False),
        category=category,
    )


def unsafe_character(text: str) -> str | None:
    """A description of the first character that has no place in a product's text, or None.

    Refused: control characters (Unicode category Cc, NUL and TAB included), format characters
    (Cf: bidirectional overrides and isolates, zero-width spaces and joiners, the BOM), and
    unassigned or private-use code points.
    """
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cn", "Co", "Cs"):
            name = unicodedata.name(char, "")
            kind = {"Cc": "control", "Cf": "invisible formatting"}.get(category, "unusable")
            return f"U+{ord(char):04X}" + (f" {name}" if name else "") + f" ({kind} character)"
    return None


def check_text(column: str, value: str) -> None:
    """Refuse a cell with hidden characters or a spreadsheet formula prefix.

    Raises:
        RowProblem: naming the column and the character.
    """
    bad = unsafe_character(value)
    if bad:
        raise RowProblem(f"{column} contains {bad}; remove it")
    if value.startswith(FORMULA_PREFIXES):
        raise RowProblem(
            f"{column} '{value}' starts with '{value[0]}', which spreadsheets run as a formula; "
            "start it with a letter or digit"
        )


def parse_price(text: str, currency: str) -> int:
    """A CSV price in major units ("1.29" or "1,29") as exact minor units (129 for EUR).

    Raises:
        RowProblem: naming the bad price and the form to use.
    """
    if not _PRICE_TEXT.match(text or ""):
        raise RowProblem(f"bad price '{text}'; write it like 1.29 (no sign, symbol or spaces)")
    places = exponent(currency.upper())
    scaled = Decimal(text.replace(",", ".")).scaleb(places)
    if scaled != scaled.to_integral_value():
        raise RowProblem(f"bad price: {currency} amounts have at most {places} decimals: '{text}'.")
    minor = int(scaled)
    if minor > MAX_PRICE_MINOR:
        raise RowProblem(f"price '{text}' is too large")
    return minor


def _flag(text: str, column: str, *, default: bool) -> bool:
    value = text.lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise RowProblem(f"{column} '{text}' must be 1/0, true/false or yes/no")
