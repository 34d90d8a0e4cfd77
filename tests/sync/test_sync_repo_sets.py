"""The set-based statements of a pulled page do exactly what the old per-row ones did: the sku
rename (cloud is master for skus) and the check for barcodes naming unknown products."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import peewee
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_desktop.storage import sync_repo
from pos_desktop.storage.db import open_database

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
IDS = [f"id-{n}" for n in range(8)]
SKUS = [f"S{n}" for n in range(6)]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    database = open_database(tmp_path_factory.mktemp("sets") / "till.sqlite")
    database.execute_sql("DELETE FROM barcode")
    database.execute_sql("DELETE FROM product")
    database.execute_sql("INSERT OR IGNORE INTO tax_rate VALUES ('A', 'Standard', '20')")
    yield database
    database.close()


def _per_row_rename(db, owners: dict[str, str]) -> None:
    """The statement the puller ran once per product before it became set-based."""
    db.connection().executemany(
        "UPDATE product SET sku = sku || '~' || id, active = 0 WHERE sku = ? AND id <> ?",
        list(owners.items()),
    )


def _products(db) -> list[tuple]:
    return db.execute_sql("SELECT id, sku, active FROM product ORDER BY id").fetchall()


def _local(db, rows: list[tuple[str, str]]) -> None:
    db.connection().executemany(
        "INSERT INTO product (id, sku, name, price_minor, tax_code, updated_at) "
        "VALUES (?, ?, 'local', 100, 'A', '2026-11-26T00:00:00Z')",
        rows,
    )


def _result(db, local, owners, rename) -> tuple[list[tuple] | str, int | None]:
    """The product rows after ``rename`` (or "unique" if it broke UNIQUE(sku)), rolled back."""
    with db.atomic() as txn:
        _local(db, local)
        try:
            count = rename(db, owners)
            rows = _products(db)
        except (sqlite3.IntegrityError, peewee.IntegrityError):
            rows, count = "unique", None
        txn.rollback()
    return rows, count


# Local products: unique ids and skus, some already renamed aside earlier ("S1~id-3").
local_rows = st.lists(
    st.tuples(st.sampled_from(IDS), st.sampled_from(SKUS + [f"S1~{IDS[3]}", "S2~x"])),
    max_size=8,
    unique_by=(lambda r: r[0], lambda r: r[1]),
)
# A page: skus unique (the cloud's UNIQUE(store, sku)), ids from the same small pool so that
# the same id, another id and new ids all occur.
pages = st.dictionaries(st.sampled_from(SKUS), st.sampled_from(IDS + ["new-1", "new-2"]))


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(local=local_rows, owners=pages)
def test_set_based_rename_renames_exactly_what_the_per_row_code_did(db, local, owners):
    expected, _ = _result(db, local, owners, _per_row_rename)
    actual, count = _result(db, local, owners, sync_repo.rename_sku_holders)
    assert actual == expected
    if actual != "unique":
        before = {(pid, sku) for pid, sku in local}
        assert count == sum(1 for pid, sku, _ in actual if (pid, sku) not in before)


def test_rename_marks_the_local_holder_aside_and_inactive(db):
    with db.atomic() as txn:
        _local(db, [("local-1", "S1"), ("cloud-2", "S2"), ("local-3", "S3")])
        assert sync_repo.rename_sku_holders(db, {"S1": "cloud-1", "S2": "cloud-2"}) == 1
        assert _products(db) == [
            ("cloud-2", "S2", 1),
            ("local-1", "S1~local-1", 0),
            ("local-3", "S3", 1),
        ]
        txn.rollback()


@given(
    have=st.sets(st.sampled_from(IDS), max_size=8),
    wanted=st.sets(st.sampled_from(IDS + ["new-1", 'it\'s "quoted"']), max_size=10),
)
@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_missing_products_is_the_set_difference(db, have, wanted):
    with db.atomic() as txn:
        _local(db, [(pid, f"sku-{pid}") for pid in have])
        assert sync_repo.missing_products(db, wanted) == wanted - have
        txn.rollback()


def test_a_barcode_page_naming_an_unknown_product_changes_nothing(db):
    with db.atomic() as txn:
        _local(db, [("p1", "S1")])
        items = [
            {"op": "upsert", "id": "00000000000017", "data": {"product_id": "p1"}},
            {"op": "upsert", "id": "00000000000024", "data": {"product_id": "ghost"}},
        ]
        with pytest.raises(sync_repo.MissingReference, match="ghost"):
            sync_repo.apply_barcodes(db, items)
        assert db.execute_sql("SELECT COUNT(*) FROM barcode").fetchone()[0] == 0
        txn.rollback()


def test_a_product_page_renames_the_local_holder_and_takes_the_sku(db):
    with db.atomic() as txn:
        _local(db, [("local-1", "S1")])
        item = {"id": "cloud-1", "op": "upsert"}
        item["data"] = {"sku": "S1", "name": "Cloud", "price_minor": 250, "tax_code": "A"}
        assert sync_repo.apply_products(db, [item], NOW) == 1
        assert _products(db) == [("cloud-1", "S1", 1), ("local-1", "S1~local-1", 0)]
        txn.rollback()
