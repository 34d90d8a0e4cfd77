"""Product import from CSV: every row is checked first, then all rows are written or none.

The file format is the catalogue CSV the till reads too (``pos_common.catalog_csv``,
documented in docs/ADMIN.md): ``sku,name,price,tax_code,barcodes[,active][,sold_by_weight]``
with ``price`` in major units of the store's currency, any of comma/semicolon/tab, UTF-8 (BOM or
not) or Windows-1252.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pos_common import catalog_csv

from .catalog import ProductInput, bulk_upsert_products, get_store
from .db import database_proxy, is_postgres
from .errors import BadInput, CloudError


@dataclass(frozen=True, slots=True)
class ParsedCatalogue:
    """The checked products and how the file was read."""

    items: list[ProductInput]
    detected: catalog_csv.Detected
    decimal_commas: int
    weighed: int  # rows with sold_by_weight set: kept by each till, not by the cloud

    def reading(self) -> str:
        """How the file was read, for the person who imported it."""
        commas = ", decimal commas" if self.decimal_commas else ""
        text = f"Read as {self.detected.describe()}{commas}."
        if self.weighed:
            text += (
                f" {self.weighed} row(s) set sold_by_weight, which each till keeps (the cloud"
                " does not): import the same file on the till to set it."
            )
        return text


@dataclass(frozen=True, slots=True)
class ImportResult:
    """How many products were written, and how the file was read."""

    count: int
    reading: str


def read_products(path: Path, currency: str) -> ParsedCatalogue:
    """Read and validate the file; prices are converted to minor units of ``currency``.

    Raises:
        BadInput: the file cannot be read, or listing every bad row as ``line N: problem``
            (line 1 is the header).
    """
    items: list[ProductInput] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    commas = weighed = 0
    try:
        detected, rows = catalog_csv.read_catalog(path)
        # Row by row: holding every raw row before checking any took about as much memory
        # again as the parsed items of a 1M-row file.
        for row in rows:
            if isinstance(row, catalog_csv.RowProblem):
                problems.append(f"line {row.line}: {row}")
                continue
            commas += "," in row.price_text
            weighed += row.sold_by_weight
            _check_row(row, currency, items, problems, seen)
    except catalog_csv.CatalogFileError as exc:
        raise BadInput(str(exc)) from None
    if problems:
        shown = problems[:20] + (
            [f"... and {len(problems) - 20} more"] if len(problems) > 20 else []
        )
        raise BadInput(f"{path}: nothing imported, {len(problems)} bad row(s): " + "; ".join(shown))
    return ParsedCatalogue(items, detected, commas, weighed)


def parse_products(path: Path, currency: str = "EUR") -> list[ProductInput]:
    """The checked products of ``path`` (see :func:`read_products`)."""
    return read_products(path, currency).items


def _check_row(
    row: catalog_csv.CatalogRow,
    currency: str,
    items: list[ProductInput],
    problems: list[str],
    seen: dict[str, int],
) -> None:
    """Append the row's item to ``items``, or what is wrong with it to ``problems``."""
    try:
        item = ProductInput(
            sku=row.sku,
            name=row.name,
            price_minor=row.price_minor(currency),
            tax_code=row.tax_code,
            gtins=row.barcodes,
            active=row.active,
            category=row.category,
        ).validated()
    except (CloudError, catalog_csv.RowProblem) as exc:
        problems.append(f"line {row.line}: {exc}")
        return
    if item.sku in seen:
        problems.append(f"line {row.line}: sku '{item.sku}' repeats line {seen[item.sku]}")
        return
    seen[item.sku] = row.line
    items.append(item)


# From this many rows on, an import on PostgreSQL ends with VACUUM ANALYZE (see below).
SETTLE_AFTER_ROWS = 10_000


def import_catalogue(store_id: str, path: Path) -> ImportResult:
    """Validate ``path`` and upsert all its products in one transaction."""
    with database_proxy.connection_context():
        store = get_store(store_id)
        parsed = read_products(path, store.currency)
        # Each item was validated while parsing (to report every bad line at once).
        bulk_upsert_products(store_id, parsed.items, prevalidated=True)
        if len(parsed.items) >= SETTLE_AFTER_ROWS and is_postgres():
            settle_catalogue()
    return ImportResult(len(parsed.items), parsed.reading())


def import_products(store_id: str, path: Path) -> int:
    """Validate ``path`` and upsert all its products in one transaction; return the count."""
    return import_catalogue(store_id, path).count


def settle_catalogue() -> None:
    """VACUUM ANALYZE the catalogue tables (PostgreSQL; outside any transaction).

    The first reader of a million freshly written rows sets each one's hint bits (dirtying
    every page) and competes with the autovacuum those rows trigger: a new till's first sync
    of 1M products took 76.8 s right after a bulk load and 24.5 s once the tables were
    vacuumed and analysed. Doing it here, once, spares the first till that wait.
    """
    database_proxy.execute_sql("VACUUM ANALYZE product, barcode")
