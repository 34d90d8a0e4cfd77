"""The cloud's product ids are time-ordered UUIDv7s, so a till's id indexes grow at one end."""

from __future__ import annotations

import time
import uuid

from sync_helpers import cloud_fixture, seed_catalog

from pos_cloud import catalog
from pos_cloud.catalog import new_product_id
from pos_cloud.db import connection
from pos_cloud.models import Product

ids_cloud = cloud_fixture("sqlite")


def test_ids_are_uuid7_unique_and_increasing():
    ids = [new_product_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)  # as text too: the till compares TEXT keys
    for text in ids[:: len(ids) // 10]:
        parsed = uuid.UUID(text)
        assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
        assert str(parsed) == text


def test_the_id_carries_its_millisecond():
    before = time.time_ns() // 1_000_000
    stamp = uuid.UUID(new_product_id()).int >> 80
    after = time.time_ns() // 1_000_000
    # A burst may borrow a few milliseconds ahead (tail exhausted); never behind.
    assert before <= stamp <= after + 5


def test_an_exhausted_tail_moves_to_the_next_millisecond(monkeypatch):
    first = new_product_id()
    monkeypatch.setattr(catalog, "_last_ms", catalog._last_ms + 1000)  # a clock in the future
    monkeypatch.setattr(catalog, "_last_tail", (1 << catalog._TAIL_BITS) - 1)
    borrowed = new_product_id()
    assert borrowed > first
    assert uuid.UUID(borrowed).int >> 80 == catalog._last_ms
    assert new_product_id() > borrowed  # still increasing after the jump


def test_products_made_by_the_cloud_get_time_ordered_ids(ids_cloud):
    _, cloud = ids_cloud
    store = cloud.store("EUR")
    seed_catalog(store, 5)  # through catalog.upsert_products, as the admin API and CSV import
    with connection():
        rows = Product.select(Product.id, Product.sku).where(Product.store == store)
        ids = [p.id for p in sorted(rows, key=lambda p: int(p.sku[1:]))]
    assert all(uuid.UUID(i).version == 7 for i in ids)
    assert ids == sorted(ids)
