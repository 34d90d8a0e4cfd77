"""Product import from a CSV file: every row checked, then all written or only the good ones.

The file format (columns, encodings, delimiters, refused characters) is the one the cloud also
reads: ``pos_common.catalog_csv``, documented in docs/ADMIN.md. Here the rows are checked
against the store (tax codes, currency decimals, barcodes owned by other products) and written.
``barcodes`` are validated and normalised to 14 digits; a product's barcodes are replaced by the
ones in the file. Existing products keep their id (matched by SKU); new SKUs get a new UUID.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from peewee import SqliteDatabase

from pos_common import catalog_csv
from pos_desktop.domain.barcodes import normalize_gtin
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.ids import new_id
from pos_desktop.storage.catalog_repo import (
    ProductRecord,
    barcode_owners,
    product_id_by_sku,
    replace_products,
    tax_rate_rows,
)
from pos_desktop.storage.settings_repo import load_settings

from .i18n import _

REQUIRED_COLUMNS = catalog_csv.REQUIRED_COLUMNS
OPTIONAL_COLUMNS = catalog_csv.OPTIONAL_COLUMNS
COLUMNS_HELP = catalog_csv.COLUMNS_HELP


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
    detected: str = ""  # how the file was read, e.g. "UTF-8 with BOM, semicolon-separated"
    decimal_commas: int = 0  # prices written with a decimal comma

    def reading(self) -> str:
        """How the file was read, for the person who imported it."""
        if not self.detected:
            return ""
        commas = ", decimal commas" if self.decimal_commas else ""
        return f"Read as {self.detected}{commas}."

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
        path: a CSV file in the catalogue format (UTF-8 or Windows-1252; comma, semicolon or
            tab; see docs/ADMIN.md).
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
        raise CsvImportError(_("No store is set up yet; run 'pos-admin init' before importing."))
    tax_codes = {code for code, _name, _percent in tax_rate_rows(db)}
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
        detected, rows = catalog_csv.read_catalog(path)
        report.detected = detected.describe()
        return _parse_rows(rows, db, currency, tax_codes, report)
    except catalog_csv.CatalogFileError as err:
        raise CsvImportError(str(err)) from None


def _parse_rows(rows, db, currency, tax_codes, report) -> list[_Row]:
    parsed: list[_Row] = []
    sku_lines: dict[str, int] = {}
    gtin_lines: dict[str, int] = {}
    for row in rows:
        report.rows_read += 1
        if isinstance(row, catalog_csv.RowProblem):
            report.errors.append(RowError(row.line, row.sku, str(row)))
            continue
        if "," in row.price_text:
            report.decimal_commas += 1
        try:
            record = _record(row, currency, tax_codes)
            _check_unique(record, row.line, sku_lines, gtin_lines)
        except (ValueError, DomainError) as err:
            report.errors.append(RowError(row.line, row.sku, str(err)))
            continue
        existing = product_id_by_sku(db, row.sku)
        record = replace(record, product_id=existing or new_id())
        parsed.append(_Row(row.line, record, is_new=existing is None))
    return parsed


def _record(row: catalog_csv.CatalogRow, currency: str, tax_codes: set[str]) -> ProductRecord:
    if row.tax_code not in tax_codes:
        known = ", ".join(sorted(tax_codes)) or "none: add one with 'pos-admin init --tax-rate'"
        raise ValueError(
            _("unknown tax code '{tax_code}' (known: {known})").format(
                tax_code=row.tax_code, known=known
            )
        )
    return ProductRecord(
        product_id="",  # assigned once the SKU is looked up
        sku=row.sku,
        name=row.name,
        price_minor=row.price_minor(currency),
        tax_code=row.tax_code,
        gtins=parse_barcodes("|".join(row.barcodes)),
        active=row.active,
        sold_by_weight=row.sold_by_weight,
    )


def parse_price(text: str, currency: str) -> int:
    """A CSV price in major units ("1.29") as exact minor units (129 for EUR).

    Raises:
        ValueError: naming the bad price and the form to use.
    """
    if not text:
        raise ValueError(_("price is empty; write it like 1.29"))
    return catalog_csv.parse_price(text, currency)


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


def _check_unique(record: ProductRecord, line: int, sku_lines: dict, gtin_lines: dict) -> None:
    if record.sku in sku_lines:
        raise ValueError(
            _("duplicate SKU '{sku}' (first on line {line})").format(
                sku=record.sku, line=sku_lines[record.sku]
            )
        )
    for gtin in record.gtins:
        if gtin in gtin_lines:
            raise ValueError(
                _("duplicate barcode {gtin} (first on line {line})").format(
                    gtin=gtin, line=gtin_lines[gtin]
                )
            )
    sku_lines[record.sku] = line
    gtin_lines.update(dict.fromkeys(record.gtins, line))


def _drop_barcode_conflicts(db, rows: list[_Row], report: ImportReport) -> list[_Row]:
    """Reject rows whose barcode belongs to a product in the db that this import won't update.

    A barcode may move between two products that are both in the file (the other row no longer
    lists it). Rejecting one row can make another row's move invalid, so repeat until stable.
    """
    owners = barcode_owners(db, [g for r in rows for g in r.record.gtins])
    while True:
        updating = {r.record.product_id for r in rows}
        good: list[tuple[_Row, None]] = []
        bad: list[tuple[_Row, tuple[str, tuple[str, str, str]]]] = []
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
            if conflict:
                bad.append((row, conflict))
            else:
                good.append((row, None))
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


def _write(db: SqliteDatabase, records: list[ProductRecord]) -> None:
    """Replace the products' barcodes with the file's and upsert the products."""
    replace_products(db, records)
