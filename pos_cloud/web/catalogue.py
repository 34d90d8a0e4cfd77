"""Catalogue changes made on the web: a price, a category, or a CSV import (every bad row
listed).

Both write through pos_cloud.catalog, which stamps the change seqs the tills' product feed
reads, so a change reaches waiting tills within their long poll.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pos_common import catalog_csv

from .. import catalog, catalogue_reads, csv_import
from ..db import database_proxy, is_postgres
from ..errors import BadInput
from ..guards import MAX_BODY_BYTES
from ..models import Product, TaxRate, live
from . import audit, money
from .accounts import Viewer

MAX_IMPORT_BYTES = MAX_BODY_BYTES  # the server refuses larger request bodies anyway


@dataclass
class ImportResult:
    imported: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, what is wrong)


def set_price(viewer: Viewer, store_id: str, sku: str, price_minor: int) -> Product:
    """Change one price and audit it, in one transaction."""
    with database_proxy.atomic():
        before = catalog.get_product(store_id, sku)
        product = catalog.set_price(store_id, sku, price_minor)
        audit.record(
            viewer,
            "product.price",
            "product",
            sku,
            store_id=store_id,
            before={"price_minor": before.price_minor},
            after={"price_minor": product.price_minor},
        )
    return product


def set_category(viewer: Viewer, store_id: str, sku: str, category: str) -> Product:
    """Change one product's category (product group) and audit it, in one transaction."""
    with database_proxy.atomic():
        before = catalog.get_product(store_id, sku)
        product = catalog.set_category(store_id, sku, category)
        audit.record(
            viewer,
            "product.category",
            "product",
            sku,
            store_id=store_id,
            before={"category": before.category or None},
            after={"category": product.category or None},
        )
    return product


def import_csv(
    viewer: Viewer,
    store_id: str,
    data: bytes,
    progress: Callable[[str, int], None] | None = None,
) -> ImportResult:
    """Check every row (the CLI import's rules and file format); write all rows or none.

    The upload goes through the same reader as ``pos-cloud import-products`` (encoding and
    delimiter detection, prices in major units), but every bad row is kept for the page,
    not only the first twenty. ``progress(phase, rows)`` hears how far it got: ``"checking"``
    every 1,000 rows, then ``"writing"`` after each chunk of 5,000.
    """
    if len(data) > MAX_IMPORT_BYTES:
        limit = MAX_IMPORT_BYTES // (1024 * 1024)
        raise BadInput(f"The file is over {limit} MB; split it or use pos-cloud import-products.")
    store = catalog.get_store(store_id)
    items: list = []
    texts: list[str] = []
    seen: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.csv"
        path.write_bytes(data)
        try:
            _detected, rows = catalog_csv.read_catalog(path)
            for count, row in enumerate(rows, start=1):
                if isinstance(row, catalog_csv.RowProblem):
                    texts.append(f"line {row.line}: {row}")
                else:
                    csv_import._check_row(row, store.currency, items, texts, seen)
                if progress is not None and count % 1000 == 0:
                    progress("checking", count)
        except catalog_csv.CatalogFileError as exc:
            # The message names the temporary file; say "the file" instead.
            raise BadInput(str(exc).replace(str(path), "The file")) from None
    result = ImportResult()
    for problem in texts:  # "line N: what"
        head, _, what = problem.partition(": ")
        result.problems.append((int(head.removeprefix("line ")), what))
    if result.problems:
        return result
    if not items:
        raise BadInput("The file has a header but no products.")
    writing = None if progress is None else (lambda done: progress("writing", done))
    with database_proxy.atomic():
        catalog.bulk_upsert_products(store_id, items, prevalidated=True, progress=writing)
        audit.record(
            viewer,
            "product.import",
            "catalogue",
            store_id,
            store_id=store_id,
            after={"products": len(items), "skus": [i.sku for i in items[:100]]},
        )
    if len(items) >= csv_import.SETTLE_AFTER_ROWS and is_postgres():
        csv_import.settle_catalogue()
    result.imported = len(items)
    return result


def search_products(
    store_id: str, text: str, limit: int = 50, offset: int = 0, category: str | None = None
) -> list[dict]:
    """Live products whose sku, name or GTIN contains ``text`` (all when empty), of one
    ``category`` when given ("" for the products without one)."""
    query = catalogue_reads.product_query(store_id, text, category)
    products = list(query.order_by(Product.sku).limit(limit).offset(offset))
    gtins = catalogue_reads.gtins_of(store_id, products)
    return [{"product": p, "gtins": gtins.get(p.id, [])} for p in products]


def categories(store_id: str) -> list[str]:
    """The store's product groups in use, by name."""
    rows = (
        Product.select(Product.category)
        .where((Product.store == store_id) & live(Product) & (Product.category != ""))
        .distinct()
        .tuples()
    )
    return sorted(c for (c,) in rows if c)


def product_row(store_id: str, product: Product) -> dict:
    """One product with its live barcodes, as a row of the catalogue table."""
    return {
        "product": product,
        "gtins": catalogue_reads.gtins_of(store_id, [product]).get(product.id, []),
    }


def tax_rates(store_id: str) -> list[TaxRate]:
    """The store's live tax rates by code."""
    return list(
        TaxRate.select().where((TaxRate.store == store_id) & live(TaxRate)).order_by(TaxRate.code)
    )


def set_tax_rate(viewer: Viewer, store_id: str, code: str, name: str, percent: str) -> TaxRate:
    """Create or change a tax rate (percent as typed, e.g. ``19`` or ``5.5``) and audit it.

    The tills get it through the ``tax_rates`` feed.
    """
    try:
        rate_bp = money.parse_amount(percent, "XXX")  # two decimals: 19.00 % = 1900 bp
    except BadInput:
        raise BadInput(
            f"'{percent}' is not a rate: write percent with at most two decimals, e.g. 19 or 5.5."
        ) from None
    with database_proxy.atomic():
        before = TaxRate.get_or_none(
            (TaxRate.store == store_id) & (TaxRate.code == (code or "").strip()) & live(TaxRate)
        )
        rate = catalog.upsert_tax_rate(store_id, code, name, rate_bp)
        audit.record(
            viewer,
            "tax_rate.set",
            "tax_rate",
            rate.code,
            store_id=store_id,
            before={"name": before.name, "rate_bp": before.rate_bp} if before else None,
            after={"name": rate.name, "rate_bp": rate.rate_bp},
        )
    return rate
