"""Store and master-data writes (stores, tax rates, products, barcodes, customers).

Every write that a till must see takes its change seq(s) from feeds.next_change_seqs inside
the same transaction as the row it changes.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from .bulk import insert_rows
from .db import database_proxy
from .errors import BadInput, NotFound
from .feeds import next_change_seqs
from .gtin import gtin14
from .models import (
    Barcode,
    Customer,
    Organisation,
    Product,
    Store,
    StoreDirectory,
    TaxRate,
    live,
)

_ID_LOCK = threading.Lock()
_last_ms = 0
_last_tail = 0
_TAIL_BITS = 74  # rand_a (12) + rand_b (62) of RFC 9562's layout


def new_product_id() -> str:
    """A time-ordered UUIDv7 (RFC 9562) as text, for products.

    Every till keeps products (and barcodes by product) in B-tree indexes keyed by this id.
    Random UUID4s make every insert land on a random index page, so a first sync of a big
    catalogue dirties (and writes to the WAL) nearly the whole index per page; ids that grow
    with time append at the right edge instead. Within one millisecond the random tail is
    incremented by one (RFC 9562 "monotonic random"), so ids from one process are strictly
    increasing; ids from other processes stay unique through the 73 random bits drawn each
    millisecond. A product id is no secret, and its creation time in it reveals nothing new
    (feeds and admin listings show the change order anyway).
    """
    global _last_ms, _last_tail
    with _ID_LOCK:
        ms = time.time_ns() // 1_000_000
        if ms > _last_ms:
            # The top bit stays clear so that the increments below have room.
            _last_ms, _last_tail = ms, int.from_bytes(os.urandom(10)) >> (80 - _TAIL_BITS + 1)
        else:
            _last_tail += 1
            if _last_tail >> _TAIL_BITS:  # tail exhausted: borrow the next millisecond
                _last_ms += 1
                _last_tail = int.from_bytes(os.urandom(10)) >> (80 - _TAIL_BITS + 1)
        ms, tail = _last_ms, _last_tail
    rand_a, rand_b = tail >> 62, tail & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return str(uuid.UUID(int=value))


def validate_currency(currency: str) -> str:
    """Upper-case three-letter ISO 4217 code, or BadInput."""
    code = (currency or "").strip().upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise BadInput(f"'{currency}' is not an ISO 4217 currency code; use e.g. EUR.")
    return code


def store_dict(store: Store) -> dict:
    """A store as the admin API shows it."""
    return {
        "id": store.id,
        "name": store.name,
        "currency": store.currency,
        "timezone": store.timezone,
        "organisation_id": store.organisation_id,
    }


def create_store(name: str, currency: str = "EUR", timezone: str = "UTC") -> Store:
    """Create a store (in the default organisation, made on first use)."""
    name = (name or "").strip()
    if not name:
        raise BadInput("A store needs a name.")
    currency = validate_currency(currency)
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise BadInput(
            f"Unknown time zone '{timezone}'; use an IANA name such as Europe/Berlin."
        ) from None
    with database_proxy.atomic():
        org = Organisation.select().order_by(Organisation.created_at).first()
        if org is None:
            org = Organisation.create(name="default")
        store = Store.create(organisation=org, name=name, currency=currency, timezone=timezone)
        _introduce(store)
        return store


def _introduce(store: Store) -> None:
    """Tell the new store's tills about the organisation's other stores and theirs about it
    (the ``stores`` feed: where a transfer can go). Counters are taken in id order."""
    others = list(
        Store.select(Store.id, Store.name)
        .where((Store.organisation == store.organisation_id) & (Store.id != store.id))
        .order_by(Store.id)
    )
    rows = []
    for sid in sorted([store.id, *(o.id for o in others)]):
        if sid == store.id:
            first = next_change_seqs(sid, len(others)) if others else 0
            rows += [(sid, o.id, o.name, first + n, False) for n, o in enumerate(others)]
        else:
            rows.append((sid, store.id, store.name, next_change_seqs(sid), False))
    insert_rows(
        StoreDirectory, ("store_id", "other_store_id", "name", "change_seq", "deleted"), rows
    )


def get_store(store_id: str) -> Store:
    """The store or NotFound."""
    store = Store.get_or_none(Store.id == store_id)
    if store is None:
        raise NotFound(f"No store with id {store_id}; list stores to find the right id.")
    return store


# slots: an import holds every parsed row until it writes them; ~150 bytes less per row.
@dataclass(frozen=True, slots=True)
class ProductInput:
    """A product row as an admin or the CSV import gives it."""

    sku: str
    name: str
    price_minor: int
    tax_code: str
    gtins: tuple[str, ...] = ()
    active: bool = True
    category: str | None = None  # None: keep the stored group; "": no group

    def validated(self) -> ProductInput:
        """Return a cleaned copy or raise BadInput naming the field."""
        sku, name, tax = self.sku.strip(), self.name.strip(), self.tax_code.strip()
        if not sku or len(sku) > 64:
            raise BadInput("sku must be 1 to 64 characters.")
        if not name or len(name) > 200:
            raise BadInput("name must be 1 to 200 characters.")
        if not tax or len(tax) > 32:
            raise BadInput("tax_code must be 1 to 32 characters.")
        price = self.price_minor
        # The upper bound is PostgreSQL's BIGINT: larger prices were a 500 (found by schemathesis).
        if isinstance(price, bool) or not isinstance(price, int) or not 0 <= price < 2**63:
            raise BadInput("price_minor must be a whole number of minor units, 0 or more.")
        gtins = tuple(dict.fromkeys(gtin14(g) for g in self.gtins))
        category = None if self.category is None else " ".join(self.category.split())
        if category is not None and len(category) > 100:
            raise BadInput("category must be at most 100 characters.")
        return ProductInput(sku, name, price, tax, gtins, bool(self.active), category)


def upsert_products(store_id: str, items: list[ProductInput]) -> list[Product]:
    """Create or update products (by sku) and their barcodes in one transaction."""
    items = [item.validated() for item in items]
    with database_proxy.atomic():
        get_store(store_id)
        # One product (the admin PUT) gains nothing from set-based statements.
        if len(items) < 2 or not _bulk_safe(items):
            return [_upsert_one(store_id, item) for item in items]
        _bulk_write(store_id, items)
        return _read_back(store_id, [item.sku for item in items])


def bulk_upsert_products(
    store_id: str,
    items: list[ProductInput],
    *,
    prevalidated: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Like :func:`upsert_products` for a whole catalogue; returns the count, not the rows.

    ``prevalidated``: every item already is ``item.validated()`` (the CSV import checks each
    row while parsing, to report every bad line; checking 1M rows again costs ~6 s).
    ``progress``: called with the number of items written so far, after each chunk.
    """
    if not prevalidated:
        items = [item.validated() for item in items]
    with database_proxy.atomic():
        get_store(store_id)
        if _bulk_safe(items):
            _bulk_write(store_id, items, progress)
        else:
            for done, item in enumerate(items, start=1):
                _upsert_one(store_id, item)
                if progress is not None and done % BULK_CHUNK == 0:
                    progress(done)
    return len(items)


# Items per group of statements in the bulk path: bounds the SQL text (SQLite) or the JSON
# document (PostgreSQL) in memory at once, whatever the size of the file.
BULK_CHUNK = 5_000

_PRODUCT_COLUMNS = (
    "id",
    "store",
    "sku",
    "name",
    "price_minor",
    "tax_code",
    "active",
    "deleted",
    "change_seq",
)
# On conflict everything but the key and the id: an existing product keeps its id.
_PRODUCT_UPDATES = ("name", "price_minor", "tax_code", "active", "deleted", "change_seq")
_CATEGORY = ("category",)  # written when the items give it (a file with a category column)
_BARCODE_COLUMNS = ("store", "gtin", "product", "change_seq", "deleted")


def _bulk_safe(items: list[ProductInput]) -> bool:
    """True when no sku repeats: one upsert statement may touch a row only once (PostgreSQL
    refuses), and a repeated sku's later row must win as it does row by row; and the items
    all give a category or none does (one statement writes the column for all or none)."""
    given = {item.category is None for item in items}
    return len({item.sku for item in items}) == len(items) and len(given) < 2


def _bulk_write(
    store_id: str, items: list[ProductInput], progress: Callable[[int], None] | None = None
) -> None:
    """The set-based equivalent of ``_upsert_one`` for each item in turn (same rows, same seqs).

    Row by row, item i takes the next ``1 + len(gtins)`` seqs: the product the first, its
    barcodes the following ones. Reserving the sum at once inside this transaction hands out
    the very same numbers, since the counter row stays locked until commit. Chunks go in item
    order, so a GTIN that moves between products ends on the last one with the last seq, as
    row by row. Barcode ids are surrogate keys nothing reads: on PostgreSQL an upsert that
    updates still draws a value from the id sequence, so they may have gaps there.
    """
    if not items:
        return
    seq = next_change_seqs(store_id, sum(1 + len(item.gtins) for item in items))
    grouped = items[0].category is not None
    extra = _CATEGORY if grouped else ()
    for start in range(0, len(items), BULK_CHUNK):
        products, barcodes = [], {}
        for item in items[start : start + BULK_CHUNK]:
            # An id for every row; the upsert keeps the old id of an existing product, so
            # only new products take theirs (still time-ordered among themselves).
            products.append(
                (
                    new_product_id(),
                    store_id,
                    item.sku,
                    item.name,
                    item.price_minor,
                    item.tax_code,
                    item.active,
                    False,  # a re-imported product comes back from deletion
                    seq,
                    *((item.category,) if grouped else ()),
                )
            )
            for offset, code in enumerate(item.gtins, start=1):
                # A repeated GTIN keeps its first position (the order rows are created in)
                # and takes the later product and seq; one statement may not touch it twice.
                barcodes[code] = (item.sku, seq + offset)
            seq += 1 + len(item.gtins)
        returned = insert_rows(
            Product,
            _PRODUCT_COLUMNS + extra,
            products,
            upsert=(("store", "sku"), _PRODUCT_UPDATES + extra),
            returning=("sku", "id") if barcodes else (),
        )
        ids = dict(returned)
        # As _put_barcode: re-point (and undelete) the store's barcode, or create it.
        insert_rows(
            Barcode,
            _BARCODE_COLUMNS,
            [(store_id, code, ids[sku], s, False) for code, (sku, s) in barcodes.items()],
            upsert=(("store", "gtin"), ("product", "change_seq", "deleted")),
        )
        if progress is not None:
            progress(min(start + BULK_CHUNK, len(items)))


def _read_back(store_id: str, skus: list[str]) -> list[Product]:
    """The products of ``skus``, in that order."""
    by_sku = {}
    for start in range(0, len(skus), 1000):
        query = Product.select().where(
            (Product.store == store_id) & Product.sku.in_(skus[start : start + 1000])
        )
        by_sku.update((p.sku, p) for p in query)
    return [by_sku[sku] for sku in skus]


def _upsert_one(store_id: str, item: ProductInput) -> Product:
    seq = next_change_seqs(store_id, 1 + len(item.gtins))
    product = Product.get_or_none((Product.store == store_id) & (Product.sku == item.sku))
    fields = {
        "name": item.name,
        "price_minor": item.price_minor,
        "tax_code": item.tax_code,
        "active": item.active,
        "deleted": False,
        "change_seq": seq,
    }
    if item.category is not None:
        fields["category"] = item.category
    if product is None:
        product = Product.create(id=new_product_id(), store=store_id, sku=item.sku, **fields)
    else:
        Product.update(**fields).where(Product.id == product.id).execute()
        product = Product.get_by_id(product.id)
    for offset, code in enumerate(item.gtins, start=1):
        _put_barcode(store_id, code, product.id, seq + offset)
    return product


def _put_barcode(store_id: str, code: str, product_id: str | None, seq: int) -> None:
    deleted = product_id is None
    updated = (
        Barcode.update(product=product_id, change_seq=seq, deleted=deleted)
        .where((Barcode.store == store_id) & (Barcode.gtin == code))
        .execute()
    )
    if not updated:
        Barcode.create(
            store=store_id, gtin=code, product=product_id, change_seq=seq, deleted=deleted
        )


def set_price(store_id: str, sku: str, price_minor: int) -> Product:
    """Change one product's price."""
    with database_proxy.atomic():
        product = get_product(store_id, sku)
        item = ProductInput(
            sku, product.name, price_minor, product.tax_code, (), product.active, product.category
        )
        return _upsert_one(store_id, item.validated())


def set_category(store_id: str, sku: str, category: str) -> Product:
    """Put one product in a product group ("" takes it out of any)."""
    with database_proxy.atomic():
        product = get_product(store_id, sku)
        item = ProductInput(
            sku, product.name, product.price_minor, product.tax_code, (), product.active, category
        )
        return _upsert_one(store_id, item.validated())


def get_product(store_id: str, sku: str) -> Product:
    """A live (not deleted) product of the store, or NotFound."""
    product = Product.get_or_none(
        (Product.store == store_id) & (Product.sku == sku) & live(Product)
    )
    if product is None:
        raise NotFound(f"No product with sku '{sku}' in store {store_id}.")
    return product


def delete_product(store_id: str, sku: str) -> None:
    """Tombstone a product and its barcodes."""
    with database_proxy.atomic():
        product = get_product(store_id, sku)
        codes = [
            b.gtin for b in Barcode.select().where((Barcode.product == product.id) & live(Barcode))
        ]
        seq = next_change_seqs(store_id, 1 + len(codes))
        Product.update(deleted=True, change_seq=seq).where(Product.id == product.id).execute()
        for offset, code in enumerate(codes, start=1):
            _put_barcode(store_id, code, None, seq + offset)


def delete_barcode(store_id: str, code: str) -> None:
    """Tombstone one barcode."""
    code = gtin14(code)
    with database_proxy.atomic():
        exists = Barcode.get_or_none(
            (Barcode.store == store_id) & (Barcode.gtin == code) & live(Barcode)
        )
        if exists is None:
            raise NotFound(f"No barcode {code} in store {store_id}.")
        _put_barcode(store_id, code, None, next_change_seqs(store_id))


def upsert_tax_rate(store_id: str, code: str, name: str, rate_bp: int) -> TaxRate:
    """Create or update a tax rate (basis points: 1900 = 19 %)."""
    code, name = (code or "").strip(), (name or "").strip()
    if not code or len(code) > 32 or not name:
        raise BadInput("A tax rate needs a code (1-32 characters) and a name.")
    if isinstance(rate_bp, bool) or not isinstance(rate_bp, int) or not 0 <= rate_bp <= 10_000:
        raise BadInput("rate_bp must be a whole number of basis points from 0 to 10000.")
    with database_proxy.atomic():
        get_store(store_id)
        seq = next_change_seqs(store_id)
        fields = {"name": name, "rate_bp": rate_bp, "change_seq": seq, "deleted": False}
        updated = (
            TaxRate.update(**fields)
            .where((TaxRate.store == store_id) & (TaxRate.code == code))
            .execute()
        )
        if not updated:
            TaxRate.create(store=store_id, code=code, **fields)
        return TaxRate.get((TaxRate.store == store_id) & (TaxRate.code == code))


def delete_tax_rate(store_id: str, code: str) -> None:
    """Tombstone a tax rate."""
    with database_proxy.atomic():
        seq = next_change_seqs(store_id)
        updated = (
            TaxRate.update(deleted=True, change_seq=seq)
            .where((TaxRate.store == store_id) & (TaxRate.code == code) & live(TaxRate))
            .execute()
        )
        if not updated:
            raise NotFound(f"No tax rate '{code}' in store {store_id}.")


def upsert_customer(
    store_id: str, customer_id: str, name: str, email: str | None = None, phone: str | None = None
) -> Customer:
    """Create or update a customer by id."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise BadInput("A customer needs a name of 1 to 200 characters.")
    with database_proxy.atomic():
        get_store(store_id)
        other = Customer.get_or_none(Customer.id == customer_id)
        if other is not None and other.store_id != store_id:
            # Customer ids are global; never let one store overwrite another's record.
            raise NotFound(f"No customer {customer_id} in store {store_id}.")
        seq = next_change_seqs(store_id)
        fields = {"name": name, "email": email, "phone": phone, "change_seq": seq, "deleted": False}
        if other is None:
            Customer.create(id=customer_id, store=store_id, **fields)
        else:
            Customer.update(**fields).where(Customer.id == customer_id).execute()
        return Customer.get_by_id(customer_id)


def delete_customer(store_id: str, customer_id: str) -> None:
    """Tombstone a customer."""
    with database_proxy.atomic():
        seq = next_change_seqs(store_id)
        updated = (
            Customer.update(deleted=True, change_seq=seq)
            .where((Customer.id == customer_id) & (Customer.store == store_id) & live(Customer))
            .execute()
        )
        if not updated:
            raise NotFound(f"No customer {customer_id} in store {store_id}.")
