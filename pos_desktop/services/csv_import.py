"""Product import from a CSV file: every row checked, then all written or only the good ones.

Columns (header row required, names case-insensitive, any order)::

    sku,name,price,tax_code,barcodes[,active][,sold_by_weight]

``price`` is in major units as text ("1.29"), parsed exactly by :meth:`Money.parse` (never a
float); ``barcodes`` holds zero or more GTINs separated by ``|``, each validated and normalised
to 14 digits. A product's barcodes are replaced by the ones in the file. Existing products keep
their id (matched by SKU); new SKUs get a new UUID.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from peewee import SqliteDatabase

from pos_desktop.domain.barcodes import normalize_gtin
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.ids import new_id
from pos_desktop.domain.limits import MAX_UNIT_PRICE_MINOR
from pos_desktop.domain.money import Money
from pos_desktop.storage.catalog_repo import ProductRecord, upsert_products
from pos_desktop.storage.settings_repo import load_settings

REQUIRED_COLUMNS = ("sku", "name", "price", "tax_code", "barcodes")
OPTIONAL_COLUMNS = ("active", "sold_by_weight")
COLUMNS_HELP = "sku,name,price,tax_code,barcodes[,active][,sold_by_weight]"
MAX_SKU_LENGTH = 64
MAX_NAME_LENGTH = 200
MAX_PRICE_MINOR = MAX_UNIT_PRICE_MINOR  # a product the till can sell (domain/limits.py)
# Plain decimal text only: Decimal() would also accept "1e3", "NaN" and signs.
_PRICE_TEXT = re.compile(r"^[0-9]+([.,][0-9]+)?$")
_TRUE = frozenset({"1", "true", "yes", "y"})
_FALSE = frozenset({"0", "false", "no", "n"})


class ImportMode(StrEnum):
    """What to do when some rows are bad."""

    ALL_OR_NOTHING = "all-or-nothing"
    SKIP_BAD_ROWS = "skip-bad-rows"


class CsvImportError(ValueError):
    """The file as a whole cannot be imported (unreadable, not UTF-8, no header, no store)."""


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad row: ``line`` is the file's line number (the header is line 1)."""

    line: int
    sku: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f" (sku {self.sku})" if self.sku else "")
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    """What an import found and did.

    ``created``/``updated`` count the rows written (or that would be written on a dry run).
    """

    mode: ImportMode
    dry_run: bool = False
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    written: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def good_rows(self) -> int:
        return self.created + self.updated


@dataclass(slots=True)
class _Row:
    line: int
    record: ProductRecord
    is_new: bool


def import_products_csv(
    db: SqliteDatabase,
    path: Path | str,
    *,
    mode: ImportMode | str = ImportMode.ALL_OR_NOTHING,
    dry_run: bool = False,
) -> ImportReport:
    """Validate ``path`` and write its products in one transaction.

    Args:
        db: the till database (store settings and tax rates must exist).
        path: a UTF-8 CSV file (with or without BOM) with a header row.
        mode: ``all-or-nothing`` writes nothing when any row is bad; ``skip-bad-rows`` writes
            the good rows and reports the bad ones.
        dry_run: check everything, write nothing.

    Returns:
        The report; ``report.errors`` lists every bad row with its line number and reason.

    Raises:
        CsvImportError: when the file cannot be read at all or the header is missing.
    """
    report = ImportReport(mode=ImportMode(mode), dry_run=dry_run)
    settings = load_settings(db)
    if settings is None:
        raise CsvImportError("No store is set up yet; run 'pos-admin init' before importing.")
    tax_codes = {r[0] for r in db.execute_sql("SELECT code FROM tax_rate").fetchall()}
    rows = _parse_file(Path(path), db, settings.currency, tax_codes, report)
    rows = _drop_barcode_conflicts(db, rows, report)
    report.errors.sort(key=lambda e: e.line)
    report.created = sum(1 for r in rows if r.is_new)
    report.updated = len(rows) - report.created
    if dry_run or not rows or (report.errors and report.mode is ImportMode.ALL_OR_NOTHING):
        return report
    with db.atomic():
        _write(db, [r.record for r in rows])
    report.written = True
    return report


def _parse_file(
    path: Path, db: SqliteDatabase, currency: str, tax_codes: set[str], report: ImportReport
) -> list[_Row]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return _parse_rows(_numbered(csv.reader(handle)), db, currency, tax_codes, report)
    except FileNotFoundError:
        raise CsvImportError(f"{path}: no such file; check the path.") from None
    except UnicodeDecodeError as err:
        raise CsvImportError(
            f"{path}: not UTF-8 text (byte {err.start}); save the file as CSV UTF-8 and retry."
        ) from None
    except csv.Error as err:
        raise CsvImportError(f"{path}: not a readable CSV file ({err}).") from None
    except OSError as err:
        raise CsvImportError(f"{path}: cannot be read ({err.strerror or err}).") from None


def _numbered(reader) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on (quoted fields may span several lines)."""
    start = 1
    for fields in reader:
        yield start, fields
        start = reader.line_num + 1


def _header(numbered: Iterator[tuple[int, list[str]]]) -> dict[str, int]:
    for _line, fields in numbered:
        if not any(f.strip() for f in fields):
            continue  # blank lines before the header
        names = [f.strip().lower() for f in fields]
        missing = [c for c in REQUIRED_COLUMNS if c not in names]
        if missing:
            raise CsvImportError(
                f"line 1: the header row is missing or incomplete (no column "
                f"{', '.join(missing)}); the first row must name the columns: {COLUMNS_HELP}."
            )
        known = set(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
        unknown = [n for n in names if n not in known]
        if unknown:
            raise CsvImportError(
                f"line 1: unknown column {', '.join(repr(n) for n in unknown)}; "
                f"the columns are {COLUMNS_HELP}."
            )
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise CsvImportError(f"line 1: column {', '.join(repeated)} appears twice.")
        return {name: i for i, name in enumerate(names)}
    raise CsvImportError(f"the file is empty; it needs a header row: {COLUMNS_HELP}.")


def _parse_rows(numbered, db, currency, tax_codes, report) -> list[_Row]:
    columns = _header(numbered)
    rows: list[_Row] = []
    sku_lines: dict[str, int] = {}
    gtin_lines: dict[str, int] = {}
    for line, fields in numbered:
        if not any(f.strip() for f in fields):
            continue
        report.rows_read += 1
        sku = fields[columns["sku"]].strip() if len(fields) > columns["sku"] else ""
        try:
            record = _record(fields, columns, currency, tax_codes)
            _check_unique(record, line, sku_lines, gtin_lines)
        except (ValueError, DomainError) as err:
            report.errors.append(RowError(line, sku, str(err)))
            continue
        existing = db.execute_sql("SELECT id FROM product WHERE sku = ?", (sku,)).fetchone()
        record = replace(record, product_id=existing[0] if existing else new_id())
        rows.append(_Row(line, record, is_new=existing is None))
    return rows


def _record(fields: list[str], columns: dict[str, int], currency, tax_codes) -> ProductRecord:
    if len(fields) != len(columns):
        names = list(columns)
        if len(fields) < len(columns):
            absent = ", ".join(names[len(fields) :])
            raise ValueError(
                f"{len(fields)} fields but the header has {len(columns)}: missing column {absent}"
            )
        raise ValueError(
            f"{len(fields)} fields but the header has {len(columns)} columns; "
            "quote fields that contain commas"
        )

    def get(name: str) -> str:
        return fields[columns[name]].strip() if name in columns else ""

    sku, name = get("sku"), get("name")
    if not sku:
        raise ValueError("sku is empty")
    if len(sku) > MAX_SKU_LENGTH or any(c.isspace() for c in sku):
        raise ValueError(f"sku must be 1-{MAX_SKU_LENGTH} characters without spaces")
    if not name:
        raise ValueError("name is empty")
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"name is longer than {MAX_NAME_LENGTH} characters")
    tax_code = get("tax_code")
    if tax_code not in tax_codes:
        known = ", ".join(sorted(tax_codes)) or "none: add one with 'pos-admin init --tax-rate'"
        raise ValueError(f"unknown tax code '{tax_code}' (known: {known})")
    return ProductRecord(
        product_id="",  # assigned once the SKU is looked up
        sku=sku,
        name=name,
        price_minor=parse_price(get("price"), currency),
        tax_code=tax_code,
        gtins=parse_barcodes(get("barcodes")),
        active=_flag(get("active"), "active", default=True),
        sold_by_weight=_flag(get("sold_by_weight"), "sold_by_weight", default=False),
    )


def parse_price(text: str, currency: str) -> int:
    """A CSV price in major units ("1.29") as exact minor units (129 for EUR).

    Raises:
        ValueError: naming the bad price and the form to use.
    """
    if not text:
        raise ValueError("price is empty; write it like 1.29")
    if not _PRICE_TEXT.match(text):
        raise ValueError(f"bad price '{text}'; write it like 1.29 (no sign, symbol or spaces)")
    try:
        minor = Money.parse(text, currency).amount_minor
    except ValueError as err:
        raise ValueError(f"bad price: {err}") from None
    if minor > MAX_PRICE_MINOR:
        raise ValueError(f"price '{text}' is too large")
    return minor


def parse_barcodes(text: str) -> tuple[str, ...]:
    """``|``-separated codes as distinct 14-digit GTINs, in file order.

    Raises:
        InvalidBarcode: naming the first bad code (wrong check digit, wrong length...).
    """
    gtins: list[str] = []
    for code in (part.strip() for part in text.split("|")):
        if code:
            gtin = normalize_gtin(code)
            if gtin not in gtins:
                gtins.append(gtin)
    return tuple(gtins)


def _flag(text: str, column: str, *, default: bool) -> bool:
    value = text.lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{column} '{text}' must be 1/0, true/false or yes/no")


def _check_unique(record: ProductRecord, line: int, sku_lines: dict, gtin_lines: dict) -> None:
    if record.sku in sku_lines:
        raise ValueError(f"duplicate SKU '{record.sku}' (first on line {sku_lines[record.sku]})")
    for gtin in record.gtins:
        if gtin in gtin_lines:
            raise ValueError(f"duplicate barcode {gtin} (first on line {gtin_lines[gtin]})")
    sku_lines[record.sku] = line
    gtin_lines.update(dict.fromkeys(record.gtins, line))


def _drop_barcode_conflicts(db, rows: list[_Row], report: ImportReport) -> list[_Row]:
    """Reject rows whose barcode belongs to a product in the db that this import won't update.

    A barcode may move between two products that are both in the file (the other row no longer
    lists it). Rejecting one row can make another row's move invalid, so repeat until stable.
    """
    owners = _barcode_owners(db, [g for r in rows for g in r.record.gtins])
    while True:
        updating = {r.record.product_id for r in rows}
        good, bad = [], []
        for row in rows:
            conflict = next(
                (
                    (g, owners[g])
                    for g in row.record.gtins
                    if g in owners
                    and owners[g][0] != row.record.product_id
                    and owners[g][0] not in updating
                ),
                None,
            )
            (bad if conflict else good).append((row, conflict))
        for row, (gtin, (_pid, sku, name)) in bad:
            report.errors.append(
                RowError(
                    row.line,
                    row.record.sku,
                    f"barcode {gtin} already belongs to product {sku} ({name})",
                )
            )
        rows = [row for row, _ in good]
        if not bad:
            return rows


def _barcode_owners(db, gtins: list[str]) -> dict[str, tuple[str, str, str]]:
    owners: dict[str, tuple[str, str, str]] = {}
    for start in range(0, len(gtins), 500):  # stay under SQLite's bound-parameter limit
        chunk = gtins[start : start + 500]
        marks = ",".join("?" * len(chunk))  # only placeholders are interpolated
        sql = (
            "SELECT b.gtin, p.id, p.sku, p.name FROM barcode b JOIN product p "  # noqa: S608
            f"ON p.id = b.product_id WHERE b.gtin IN ({marks})"
        )
        for gtin, pid, sku, name in db.execute_sql(sql, chunk):
            owners[gtin] = (pid, sku, name)
    return owners


def _write(db: SqliteDatabase, records: list[ProductRecord]) -> None:
    """Replace the products' barcodes with the file's and upsert the products."""
    conn = db.connection()
    conn.executemany("DELETE FROM barcode WHERE product_id = ?", [(r.product_id,) for r in records])
    upsert_products(db, records)
