"""Reading a store's catalogue: one product search for the back office's catalogue page and for
the admin API's paged product list (what a web shop or an accounting tool syncs with).

A search matches part of the SKU, the name (any case) or a barcode; the list pages by SKU (a
keyset cursor: a page stays right while products are added), the page by offset.
"""

from __future__ import annotations

from typing import Any

import peewee as pw

from .catalog import get_product, get_store
from .db import is_postgres
from .errors import BadInput
from .models import Barcode, Product, live

MAX_PAGE = 200


def product_query(
    store_id: str, text: str = "", category: str | None = None, active: bool | None = None
) -> pw.ModelSelect:
    """Live products of the store whose SKU, name or barcode contains ``text`` (all when
    empty); of one ``category`` when given ("" for those without one); active or not."""
    query = Product.select().where((Product.store == store_id) & live(Product))
    if category == "":
        query = query.where(Product.category.is_null() | (Product.category == ""))
    elif category:
        query = query.where(Product.category == category)
    if active is not None:
        query = query.where(Product.active == active)
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
    return query


def gtins_of(store_id: str, products: list[Product]) -> dict[str, list[str]]:
    """product id -> its live barcodes, sorted (one query for the page)."""
    gtins: dict[str, list[str]] = {}
    if products:
        for b in Barcode.select(Barcode.gtin, Barcode.product).where(
            (Barcode.store == store_id)
            & live(Barcode)
            & Barcode.product.in_([p.id for p in products])
        ):
            gtins.setdefault(b.product_id, []).append(b.gtin)
    return {pid: sorted(codes) for pid, codes in gtins.items()}


def product_out(product: Product, gtins: list[str]) -> dict[str, Any]:
    """A product as the admin API shows it."""
    return {
        "id": product.id,
        "sku": product.sku,
        "name": product.name,
        "price_minor": product.price_minor,
        "tax_code": product.tax_code,
        "active": product.active,
        "category": product.category or None,
        "gtins": gtins,
    }


def with_gtins(store_id: str, product: Product) -> dict[str, Any]:
    """One product with its live barcodes, as the admin API shows it."""
    return product_out(product, gtins_of(store_id, [product]).get(product.id, []))


def list_products(
    store_id: str,
    text: str = "",
    category: str | None = None,
    active: bool | None = None,
    after: str = "",
    limit: int = 50,
) -> dict[str, Any]:
    """``{items, next}``: ``limit`` products by SKU after the cursor ``after`` (the previous
    page's ``next``), each with its barcodes.

    Raises:
        NotFound: no such store; BadInput: a limit outside 1..MAX_PAGE.
    """
    if not 1 <= limit <= MAX_PAGE:
        raise BadInput(f"limit must be 1 to {MAX_PAGE}.")
    get_store(store_id)
    query = product_query(store_id, text, category, active)
    if after:
        query = query.where(Product.sku > after)
    rows = list(query.order_by(Product.sku).limit(limit + 1))
    page = rows[:limit]
    gtins = gtins_of(store_id, page)
    return {
        "items": [product_out(p, gtins.get(p.id, [])) for p in page],
        "next": page[-1].sku if len(rows) > limit and page else None,
    }


def product_detail(store_id: str, sku: str) -> dict[str, Any]:
    """One live product with its barcodes (NotFound otherwise)."""
    return with_gtins(store_id, get_product(store_id, sku))
