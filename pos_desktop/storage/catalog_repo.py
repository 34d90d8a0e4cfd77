"""Catalogue reads on the scan path and bulk writes for imports (raw SQL where it is hot)."""

from __future__ import annotations

import json
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


def add_tax_rate_if_missing(db: SqliteDatabase, rate: TaxRate) -> None:
    """Add ``rate`` unless a rate with its code exists (an existing one is kept as it is)."""
    db.execute_sql(
        "INSERT INTO tax_rate (code, name, percent) VALUES (?, ?, ?) ON CONFLICT (code) DO NOTHING",
        (rate.code, rate.name, str(rate.percent)),
    )


def tax_rate_rows(db: SqliteDatabase) -> list[tuple[str, str, Decimal]]:
    """Every tax rate as (code, name, percent), by code."""
    rows = db.execute_sql("SELECT code, name, percent FROM tax_rate ORDER BY code").fetchall()
    return [(code, name, Decimal(str(percent))) for code, name, percent in rows]


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


def replace_products(db: SqliteDatabase, products: list[ProductRecord]) -> int:
    """Upsert ``products`` with exactly the barcodes they list (the old ones are dropped);
    the caller owns the transaction."""
    db.connection().executemany(
        "DELETE FROM barcode WHERE product_id = ?", [(p.product_id,) for p in products]
    )
    return upsert_products(db, products)


def product_id_by_sku(db: SqliteDatabase, sku: str) -> str | None:
    """The id of the product with exactly this SKU, or None."""
    row = db.execute_sql("SELECT id FROM product WHERE sku = ?", (sku,)).fetchone()
    return row[0] if row else None


def barcode_owners(db: SqliteDatabase, gtins: list[str]) -> dict[str, tuple[str, str, str]]:
    """Which product has each of ``gtins``: gtin -> (product id, SKU, name)."""
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


def has_products(db: SqliteDatabase) -> bool:
    return db.execute_sql("SELECT 1 FROM product LIMIT 1").fetchone() is not None


def is_active_sku(db: SqliteDatabase, sku: str) -> bool:
    """Whether an active product has exactly this SKU."""
    row = db.execute_sql("SELECT 1 FROM product WHERE sku = ? AND active = 1", (sku,)).fetchone()
    return row is not None


def sample_piece_codes(db: SqliteDatabase, rowids: list[int]) -> list[str]:
    """The scan code (the lowest barcode, else the SKU) of each active piece product among
    the product rows ``rowids``, in rowid order (rows that are gone or weighed are left out)."""
    codes: list[str] = []
    for start in range(0, len(rowids), 500):  # stay under SQLite's bound-parameter limit
        chunk = rowids[start : start + 500]
        sql = (
            "SELECT p.sku, (SELECT MIN(b.gtin) FROM barcode b WHERE b.product_id = p.id) "  # noqa: S608
            f"FROM product p WHERE p.rowid IN ({','.join('?' * len(chunk))}) "
            "AND p.active = 1 AND p.sold_by_weight = 0 ORDER BY p.rowid"
        )
        codes.extend(gtin or sku for sku, gtin in db.execute_sql(sql, chunk))
    return codes


def max_product_rowid(db: SqliteDatabase) -> int:
    return db.execute_sql("SELECT COALESCE(MAX(rowid), 0) FROM product").fetchone()[0]


def label_rows(
    db: SqliteDatabase,
    *,
    skus: list[str] | None = None,
    changed_since: datetime | None = None,
    limit: int,
) -> list[tuple[str, str, int, int, str | None]]:
    """Active products for shelf labels, by name: (SKU, name, price, sold by weight, barcode).

    Only ``skus`` when given, else those changed at or after ``changed_since`` when given,
    else all; at most ``limit`` rows.
    """
    where, params = ["p.active = 1"], []
    if skus:
        where.append(f"p.sku IN ({', '.join('?' * len(skus))})")
        params += skus
    elif changed_since is not None:
        where.append("p.updated_at >= ?")
        params.append(utc_text(changed_since))
    return db.execute_sql(
        "SELECT p.sku, p.name, p.price_minor, p.sold_by_weight, "
        "(SELECT MIN(b.gtin) FROM barcode b WHERE b.product_id = p.id) "  # noqa: S608
        f"FROM product p WHERE {' AND '.join(where)} ORDER BY p.name LIMIT ?",
        (*params, limit),
    ).fetchall()


def upsert_product_rows(db: SqliteDatabase, rows: list[tuple]) -> int:
    """Insert or update product rows given as tuples in :data:`PRODUCT_COLUMNS` order.

    The sync's path: a 10,000-item feed page goes straight from JSON to tuples, without a
    :class:`ProductRecord` per item (that object alone was ~10 % of applying a page).
    """
    db.connection().executemany(_UPSERT_PRODUCT_SQL, rows)
    return len(rows)


def product_names(db: SqliteDatabase, skus: list[str]) -> dict[str, str]:
    """sku -> name of the products among ``skus`` (unknown skus are left out)."""
    return dict(
        db.execute_sql(
            "SELECT sku, name FROM product WHERE sku IN (SELECT value FROM json_each(?))",
            (json.dumps(skus),),
        ).fetchall()
    )
