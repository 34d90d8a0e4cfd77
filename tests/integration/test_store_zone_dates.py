"""Expiry dates and the business day follow the store's time zone, not the till PC's.

The PC runs in Honolulu (UTC-10), the store is in Berlin (UTC+1 in November): at 23:30 UTC it is
already 27 November in the store and still the afternoon of the 26th on the PC.
"""

import time as _time
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from pos_desktop.services.shelf_labels import ShelfLabelService
from pos_desktop.storage.catalog_repo import ProductRecord, upsert_products

SALMON_GTIN = "07035876006187"
EXPIRES_26_NOV = "]C1010703587600618717261126"  # GS1 AI 17: best before 2026-11-26


@pytest.fixture
def honolulu_pc(monkeypatch):
    monkeypatch.setenv("TZ", "Pacific/Honolulu")
    _time.tzset()
    yield
    monkeypatch.undo()
    _time.tzset()


@pytest.fixture
def berlin_till(till, honolulu_pc):
    with till.db.atomic():
        upsert_products(
            till.db, [ProductRecord("fish", "FISH", "Salmon", 899, "B", (SALMON_GTIN,))]
        )
    till.checkout.settings = replace(till.checkout.settings, timezone="Europe/Berlin")
    return till


def _at(till, hour, minute):
    till.clock.current = datetime(2026, 11, 26, hour, minute, tzinfo=UTC)


def test_an_item_is_expired_once_the_stores_day_is_past_its_date(berlin_till):
    co = berlin_till.checkout
    _at(berlin_till, 22, 29)  # 23:29 in Berlin, 12:29 on the PC: the 26th everywhere
    before = co.scan(EXPIRES_26_NOV)
    assert before.ok and before.warning is None, before.message
    assert co.store_today() == date(2026, 11, 26)
    _at(berlin_till, 23, 30)  # 00:30 on the 27th in Berlin; the PC still says the 26th
    assert co.store_today() == date(2026, 11, 27)
    after = co.scan(EXPIRES_26_NOV)
    assert after.ok and after.warning and "EXPIRED on 2026-11-26" in after.message


def test_the_till_zone_is_used_when_the_store_has_none(till, honolulu_pc):
    with till.db.atomic():
        upsert_products(
            till.db, [ProductRecord("fish", "FISH", "Salmon", 899, "B", (SALMON_GTIN,))]
        )
    assert till.checkout.settings.timezone == ""
    _at(till, 23, 30)  # 13:30 on the 26th in Honolulu
    assert till.checkout.store_today() == date(2026, 11, 26)
    assert till.checkout.scan(EXPIRES_26_NOV).warning is None


def test_promotion_hours_use_the_stores_clock(berlin_till):
    co = berlin_till.checkout
    _at(berlin_till, 23, 30)
    wall = co.pricing_time()
    assert (wall.date(), wall.hour, wall.minute) == (date(2026, 11, 27), 0, 30)
    assert wall.utcoffset().total_seconds() == 3600
    assert berlin_till.clock.current.astimezone().date() == date(2026, 11, 26)  # the PC's day


def test_labels_changed_since_a_day_start_at_the_stores_midnight(berlin_till):
    db = berlin_till.db
    db.execute_sql("UPDATE product SET updated_at = '2026-11-01T00:00:00.000000+00:00'")
    db.execute_sql(
        "UPDATE product SET updated_at = '2026-11-26T23:30:00.000000+00:00' WHERE id = 'fish'"
    )
    labels = ShelfLabelService(db, berlin_till.checkout.settings)
    # 23:30 UTC is already the 27th in Berlin (on the PC in Honolulu it is still the 26th)
    assert [lb.sku for lb in labels.labels(changed_since=date(2026, 11, 27))] == ["FISH"]
    assert labels.labels(changed_since=date(2026, 11, 28)) == []
