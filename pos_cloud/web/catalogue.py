"""Catalogue changes made on the web: a price, or a CSV import with every bad row listed.

Both write through pos_cloud.catalog, which stamps the change seqs the tills' product feed
reads, so a change reaches waiting tills within their long poll.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from .. import catalog, csv_import
from ..db import database_proxy, is_postgres
from ..errors import BadInput
from ..models import Barcode, Product, live
from . import audit
from .accounts import Viewer

MAX_IMPORT_BYTES = 50 * 1024 * 1024


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


def import_csv(viewer: Viewer, store_id: str, data: bytes) -> ImportResult:
    """Check every row (the CLI import's rules); write all rows only when none is bad."""
    if len(data) > MAX_IMPORT_BYTES:
        raise BadInput("The file is over 50 MB; split it or use pos-cloud import-products.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(
            "The file is not UTF-8 text; save it as CSV UTF-8 and upload again."
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in csv_import.REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise BadInput(
            f"The header lacks column(s) {', '.join(missing)}; the first line must be "
            "sku,name,price_minor,tax_code,gtin[,active]."
        )
    items: list = []
    texts: list[str] = []
    seen: dict[str, int] = {}
    try:
        for row in reader:
            csv_import._check_row(reader.line_num, row, items, texts, seen)
    except csv.Error as exc:
        raise BadInput(f"The file is not valid CSV: {exc}") from None
    result = ImportResult()
    for problem in texts:  # "line N: what"
        head, _, what = problem.partition(": ")
        result.problems.append((int(head.removeprefix("line ")), what))
    if result.problems:
        return result
    if not items:
        raise BadInput("The file has a header but no products.")
    with database_proxy.atomic():
        catalog.bulk_upsert_products(store_id, items, prevalidated=True)
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


def search_products(store_id: str, text: str, limit: int = 50, offset: int = 0) -> list[dict]:
    """Live products whose sku, name or GTIN contains ``text`` (all when empty)."""
    query = Product.select().where((Product.store == store_id) & live(Product))
    needle = (text or "").strip()
    if needle:
        like = f"%{needle.lower()}%"
        gtin_match = Barcode.select(Barcode.product).where(
            (Barcode.store == store_id) & live(Barcode) & Barcode.gtin.contains(needle)
        )
        query = query.where(
            Product.sku.contains(needle)
            | (Product.name.ilike(like) if is_postgres() else Product.name.contains(needle))
            | Product.id.in_(gtin_match)
        )
    products = list(query.order_by(Product.sku).limit(limit).offset(offset))
    gtins: dict[str, list[str]] = {}
    if products:
        for b in Barcode.select(Barcode.gtin, Barcode.product).where(
            (Barcode.store == store_id)
            & live(Barcode)
            & Barcode.product.in_([p.id for p in products])
        ):
            gtins.setdefault(b.product_id, []).append(b.gtin)
    return [{"product": p, "gtins": sorted(gtins.get(p.id, []))} for p in products]
