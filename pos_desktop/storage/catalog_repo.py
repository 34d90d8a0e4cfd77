"""Catalogue reads on the scan path and bulk writes for imports (raw SQL where it is hot)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from peewee import SqliteDatabase

from pos_desktop.domain.catalog import CatalogItem
from pos_desktop.domain.tax import TaxRate

from .codec import utc_text

_LOOKUP_SQL = (
    "SELECT p.id, p.sku, p.name, p.price_minor, p.tax_code, p.sold_by_weight "
    "FROM barcode b JOIN product p ON p.id = b.product_id WHERE b.gtin = ? AND p.active = 1"
)
# SKUs are matched without regard to case: as typed, in capitals, in small letters. Three
# probes of the UNIQUE index on sku (an exact match wins), so a miss costs no table scan.
_SKU_SQL = (
    "SELECT p.id, p.sku, p.name, p.price_minor, p.tax_code, p.sold_by_weight "
    "FROM product p WHERE p.sku IN (?, ?, ?) AND p.active = 1 ORDER BY p.sku = ? DESC LIMIT 1"
)


@dataclass(frozen=True, slots=True)
class ProductRecord:
    """A product as imported or synced: everything needed to write one row and its barcodes."""

    product_id: str
    sku: str
    name: str
    price_minor: int
    tax_code: str
    gtins: tuple[str, ...] = ()
    active: bool = True
    sold_by_weight: bool = False


class CatalogRepository:
    """Reads products by GTIN/SKU; tax rates are few and cached per instance."""

    def __init__(self, db: SqliteDatabase, currency: str) -> None:
        self._db = db
        self._currency = currency
        self._rates: dict[str, TaxRate] | None = None

    def tax_rates(self) -> dict[str, TaxRate]:
        if self._rates is None:
            rows = self._db.execute_sql("SELECT code, name, percent FROM tax_rate").fetchall()
            self._rates = {code: TaxRate(code, name, Decimal(pct)) for code, name, pct in rows}
        return self._rates

    def forget_cached_rates(self) -> None:
        self._rates = None

    def _item(self, row, gtin: str | None) -> CatalogItem:
        pid, sku, name, price, tax_code, by_weight = row
        return CatalogItem(
            product_id=pid,
            sku=sku,
            name=name,
            unit_price_minor=price,
            currency=self._currency,
            tax_rate=self.tax_rates()[tax_code],
            gtin=gtin,
            sold_by_weight=bool(by_weight),
        )

    def find_by_gtin(self, gtin14: str) -> CatalogItem | None:
        row = self._db.execute_sql(_LOOKUP_SQL, (gtin14,)).fetchone()
        return self._item(row, gtin14) if row else None

    def find_by_sku(self, sku: str) -> CatalogItem | None:
        """The active product with this SKU: exact case first, then in capitals or small
        letters (``cap`` finds ``CAP``; a mixed-case SKU is found as stored or as typed in one
        case)."""
        row = self._db.execute_sql(_SKU_SQL, (sku, sku.upper(), sku.lower(), sku)).fetchone()
        return self._item(row, None) if row else None

    def count_products(self) -> int:
        return self._db.execute_sql("SELECT COUNT(*) FROM product").fetchone()[0]


def upsert_tax_rates(db: SqliteDatabase, rates: Iterable[TaxRate]) -> None:
    db.execute_sql("SELECT 1")  # make sure a connection exists before executemany
    db.connection().executemany(
        "INSERT INTO tax_rate (code, name, percent) VALUES (?, ?, ?) "
        "ON CONFLICT (code) DO UPDATE SET name = excluded.name, percent = excluded.percent",
        [(r.code, r.name, str(r.percent)) for r in rates],
    )


# Columns of a product row for :func:`upsert_product_rows`, in order.
PRODUCT_COLUMNS = "id, sku, name, price_minor, tax_code, active, sold_by_weight, updated_at"
_UPSERT_PRODUCT_SQL = (
    f"INSERT INTO product ({PRODUCT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET "
    "sku = excluded.sku, name = excluded.name, price_minor = excluded.price_minor, "
    "tax_code = excluded.tax_code, active = excluded.active, "
    "sold_by_weight = excluded.sold_by_weight, updated_at = excluded.updated_at"
)


def upsert_products(
    db: SqliteDatabase, products: Iterable[ProductRecord], now: datetime | None = None
) -> int:
    """Insert or update products and their barcodes; the caller owns the transaction."""
    stamp = utc_text(now or datetime.now(UTC))
    product_rows: list[tuple] = []
    barcode_rows: list[tuple[str, str]] = []
    for p in products:
        product_rows.append(
            (
                p.product_id,
                p.sku,
                p.name,
                p.price_minor,
                p.tax_code,
                int(p.active),
                int(p.sold_by_weight),
                stamp,
            )
        )
        barcode_rows.extend((gtin, p.product_id) for gtin in p.gtins)
    upsert_product_rows(db, product_rows)
    db.connection().executemany(
        "INSERT INTO barcode (gtin, product_id) VALUES (?, ?) "
        "ON CONFLICT (gtin) DO UPDATE SET product_id = excluded.product_id",
        barcode_rows,
    )
    return len(product_rows)


def upsert_product_rows(db: SqliteDatabase, rows: list[tuple]) -> int:
    """Insert or update product rows given as tuples in :data:`PRODUCT_COLUMNS` order.

    The sync's path: a 10,000-item feed page goes straight from JSON to tuples, without a
    :class:`ProductRecord` per item (that object alone was ~10 % of applying a page).
    """
    db.connection().executemany(_UPSERT_PRODUCT_SQL, rows)
    return len(rows)
