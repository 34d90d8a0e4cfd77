"""Type-ahead search over the catalogue: words, diacritics, SKUs, barcode beginnings, ranking."""

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_desktop.services.store_setup import ensure_demo_store
from pos_desktop.storage.catalog_repo import ProductRecord, upsert_products
from pos_desktop.storage.db import open_database
from pos_desktop.storage.product_search import ProductSearch, match_expression


def product(n: int, name: str, sku: str | None = None, gtin: str | None = None, **kw):
    return ProductRecord(
        f"p{n}", sku or f"SKU{n}", name, 100 + n, "A", gtins=(gtin,) if gtin else (), **kw
    )


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "till.sqlite")
    ensure_demo_store(database)
    with database.atomic():
        upsert_products(
            database,
            [
                product(1, "Cheddar 400g", gtin="04006381333931"),
                product(2, "Mature cheddar slices"),
                product(3, "Crème fraîche 200ml", sku="CREME"),
                product(4, "Cherry tomatoes"),
                product(5, "Cheese & onion crisps", active=False),
                product(6, "Coffee beans 500g", sku="cap"),
            ],
            datetime(2026, 12, 1, tzinfo=UTC),
        )
    yield database
    database.close()


def names(hits):
    return [h.name for h in hits]


def test_a_prefix_finds_names_whose_first_word_starts_with_it_first(db):
    hits = ProductSearch(db).search("chedd")
    assert names(hits) == ["Cheddar 400g", "Mature cheddar slices"]


def test_case_and_diacritics_do_not_matter(db):
    assert names(ProductSearch(db).search("CREME FRAI")) == ["Crème fraîche 200ml"]
    assert names(ProductSearch(db).search("crème")) == ["Crème fraîche 200ml"]


def test_every_word_must_match_and_inactive_products_are_not_offered(db):
    assert names(ProductSearch(db).search("che tom")) == ["Cherry tomatoes"]
    assert "Cheese & onion crisps" not in names(ProductSearch(db).search("che"))


def test_an_exact_sku_comes_first_whatever_its_case(db):
    assert names(ProductSearch(db).search("CAP"))[0] == "Coffee beans 500g"


def test_barcode_digits_find_the_product_by_the_beginning_of_its_label(db):
    assert names(ProductSearch(db).search("400638133")) == ["Cheddar 400g"]
    assert ProductSearch(db).search("4006") != []
    assert ProductSearch(db).search("006") == []  # too short to be a barcode fragment


def test_renames_and_deletes_reach_the_index(db):
    with db.atomic():
        db.execute_sql("UPDATE product SET name = 'Red Leicester' WHERE id = 'p1'")
        db.execute_sql("DELETE FROM product WHERE id = 'p4'")
    search = ProductSearch(db)
    assert names(search.search("leic")) == ["Red Leicester"]
    assert "Cheddar 400g" not in names(search.search("chedd"))
    assert search.search("cherry") == []


def test_an_upsert_of_a_known_product_keeps_one_index_entry(db):
    with db.atomic():
        upsert_products(db, [product(1, "Cheddar 400g")], datetime(2026, 12, 2, tzinfo=UTC))
    assert names(ProductSearch(db).search("cheddar 400")) == ["Cheddar 400g"]
    assert (
        db.execute_sql("INSERT INTO product_search (product_search) VALUES ('integrity-check')")
        is not None
    )


def test_the_limit_bounds_the_answer(db):
    assert len(ProductSearch(db).search("c", limit=2)) == 2


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=40))
def test_no_typed_text_is_read_as_query_syntax(db, text):
    ProductSearch(db).search(text)  # never an FTS5 syntax error (the search only reads)
    expression = match_expression(text)
    assert expression is None or expression.count('"') % 2 == 0
