"""The set-based product import writes exactly the rows the row-by-row path writes.

Each scenario runs twice on one database, once per store: store A through the old per-row
code (``catalog._upsert_one`` per item, still the single-product path) and store B through
the bulk path. Every store has its own change counter, so the rows, seqs included (counted
from where each store's counter stood when the test began: a new store's feed already lists
the organisation's other stores), must come out equal. Runs on SQLite and PostgreSQL
(conftest's ``database_url``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from pos_cloud import catalog, csv_import
from pos_cloud.catalog import ProductInput
from pos_cloud.db import close_database, connection, database_proxy, init_database
from pos_cloud.errors import BadInput
from pos_cloud.feeds import latest_change_seq
from pos_cloud.migrations import migrate
from pos_cloud.models import Barcode, Product
from pos_common.gs1 import check_digit


def ean(n: int) -> str:
    body = f"20{n:010d}"
    return f"{body}{check_digit(body)}"


@pytest.fixture(scope="module")
def db(database_url) -> Iterator[None]:
    database = init_database(database_url)
    with connection():
        migrate(database)
    yield
    close_database(database)


BASE: dict[str, int] = {}  # store -> its change counter when the test began


@pytest.fixture
def stores(db) -> Iterator[tuple[str, str]]:
    with connection():
        pair = catalog.create_store("Row by row").id, catalog.create_store("Bulk").id
        BASE.update({store: latest_change_seq(store) for store in pair})
        yield pair


def per_row(store: str, items: list[ProductInput]) -> None:
    """The pre-bulk upsert_products, kept here as the reference."""
    with database_proxy.atomic():
        for item in items:
            catalog._upsert_one(store, item.validated())


def bulk(store: str, items: list[ProductInput]) -> None:
    catalog.bulk_upsert_products(store, items)


def snapshot(store: str) -> tuple:
    """Every catalogue row of the store, products named by sku instead of their random ids."""
    skus = {p.id: p.sku for p in Product.select().where(Product.store == store)}
    base = BASE.get(store, 0)
    products = sorted(
        (p.sku, p.name, p.price_minor, p.tax_code, p.active, p.deleted, p.change_seq - base)
        for p in Product.select().where(Product.store == store)
    )
    barcodes = sorted(
        (b.gtin, skus.get(b.product_id), b.change_seq - base, b.deleted)
        for b in Barcode.select().where(Barcode.store == store)
    )
    return products, barcodes, latest_change_seq(store) - base


def ids(store: str) -> dict[str, str]:
    return {p.sku: p.id for p in Product.select().where(Product.store == store)}


FIRST = [
    ProductInput("P1", "Pen", 150, "A", (ean(1),)),
    ProductInput("P2", "Pad", 300, "B", (ean(2), ean(3))),
    ProductInput("P3", "Ink", 99, "A"),
    ProductInput("P4", "Cap", 5, "A", (ean(4),), active=False),
    ProductInput("P5", "Cup", 700, "A", (ean(5),)),
]
SECOND = [
    ProductInput("P1", "Pen blue", 160, "A", (ean(1),)),  # update; its deleted barcode returns
    ProductInput("P2", "Pad", 310, "B", (ean(2),)),  # re-import of a deleted product
    ProductInput("P6", "Mug", 800, "A", (ean(5),)),  # new, takes P5's barcode
    ProductInput("P5", "Cup", 700, "A", (ean(6),)),
    ProductInput("P7", "Box", 10, "A", (ean(7),)),
    ProductInput("P8", "Bag", 20, "A", (ean(7), ean(8))),  # takes P7's barcode in the same import
]


def scenario(store: str, write) -> None:
    write(store, FIRST)
    catalog.delete_product(store, "P2")
    catalog.delete_barcode(store, ean(1))
    write(store, SECOND)


@pytest.mark.parametrize("chunk", [catalog.BULK_CHUNK, 2])
def test_bulk_gives_the_rows_row_by_row_gives(stores, monkeypatch, chunk):
    monkeypatch.setattr(catalog, "BULK_CHUNK", chunk)  # 2: moves also across chunks
    old, new = stores
    with connection():
        scenario(old, per_row)
        before = ids(new)
        bulk(new, FIRST)
        first_ids = ids(new)
        catalog.delete_product(new, "P2")
        catalog.delete_barcode(new, ean(1))
        bulk(new, SECOND)
        assert snapshot(new) == snapshot(old)
        after = ids(new)
        products, barcodes, _ = snapshot(new)
    assert before == {}
    # Existing products keep their ids; new ones get time-ordered UUIDv7s.
    assert {sku: after[sku] for sku in first_ids} == first_ids
    assert all(uuid.UUID(i).version == 7 for i in after.values())
    assert after["P6"] < after["P7"] < after["P8"]
    assert ("P2", "Pad", 310, "B", True, False) == products[1][:6]  # restored
    owners = {gtin[1:]: (sku, deleted) for gtin, sku, _, deleted in barcodes}  # as GTIN-14
    assert owners[ean(5)] == ("P6", False) and owners[ean(7)] == ("P8", False)
    assert owners[ean(1)] == ("P1", False) and owners[ean(3)] == (None, True)  # tombstoned with P2


def test_seqs_are_unique_increasing_and_follow_the_items(stores, monkeypatch):
    monkeypatch.setattr(catalog, "BULK_CHUNK", 3)
    _, store = stores
    items = [ProductInput(f"S{n}", f"Item {n}", n, "A", (ean(100 + n),)) for n in range(10)]
    with connection():
        start = latest_change_seq(store)
        catalog.bulk_upsert_products(store, items)
        bulk(store, items)  # every row updated: all take new seqs
        rows = [(p.sku, p.change_seq) for p in Product.select().where(Product.store == store)] + [
            (b.gtin[1:], b.change_seq) for b in Barcode.select().where(Barcode.store == store)
        ]
        end = latest_change_seq(store)
    seqs = sorted(s for _, s in rows)
    assert len(set(seqs)) == len(seqs) == 20
    # The second import's seqs, contiguous: S0, its barcode, S1, its barcode, ...
    assert seqs == list(range(end - 19, end + 1)) and end == start + 40
    by_key = dict(rows)
    for n in range(10):
        assert by_key[f"S{n}"] == end - 19 + 2 * n
        assert by_key[ean(100 + n)] == end - 18 + 2 * n


def test_a_failure_half_way_writes_nothing(stores, monkeypatch):
    _, store = stores
    monkeypatch.setattr(catalog, "BULK_CHUNK", 2)
    calls = []
    real = catalog.insert_rows

    def failing(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 4:  # the second chunk's barcodes
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(catalog, "insert_rows", failing)
    items = [ProductInput(f"F{n}", "X", 1, "A", (ean(200 + n),)) for n in range(4)]
    with connection():
        seq = latest_change_seq(store)
        with pytest.raises(RuntimeError):
            catalog.bulk_upsert_products(store, items)
        assert snapshot(store) == ([], [], seq - BASE[store])


def test_csv_bad_row_writes_nothing_and_good_file_matches(stores, tmp_path):
    old, new = stores
    good = tmp_path / "good.csv"
    good.write_text(
        "sku,name,price,tax_code,barcodes,active\n"
        + "".join(f"C{n},Item {n},0.{n}0,A,{ean(300 + n)},{n % 2}\n" for n in range(7))
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(good.read_text() + "C9,Bad,1.555,A,,1\n")
    with connection():
        with pytest.raises(BadInput, match="line 9: bad price"):
            csv_import.import_products(new, bad)
        assert snapshot(new) == ([], [], 0)
        assert csv_import.import_products(new, good) == 7
        per_row(old, csv_import.parse_products(good))
        assert snapshot(new) == snapshot(old)


def test_single_product_and_small_batches_return_their_rows(stores):
    _, store = stores
    with connection():
        one = catalog.upsert_products(store, [ProductInput("U1", "One", 5, "A", (ean(400),))])
        many = catalog.upsert_products(
            store,
            [ProductInput("U2", "Two", 6, "A"), ProductInput("U1", "One bis", 7, "A")],
        )
        dup = catalog.upsert_products(
            store, [ProductInput("U3", "a", 1, "A"), ProductInput("U3", "b", 2, "A")]
        )
    assert [p.sku for p in many] == ["U2", "U1"] and many[1].id == one[0].id
    assert (many[1].name, many[1].price_minor) == ("One bis", 7)
    assert [p.name for p in dup] == ["a", "b"]  # a repeated sku takes the row-by-row path
