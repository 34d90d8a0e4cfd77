"""Storage: upgrades keep old data; a sale commits whole or not at all; receipts stay gap-free."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from peewee import IntegrityError

from pos_desktop.domain.cart import Cart
from pos_desktop.domain.catalog import CatalogItem
from pos_desktop.domain.money import Money
from pos_desktop.domain.payment import Payment
from pos_desktop.domain.sale import sale_from_cart
from pos_desktop.domain.store import StoreSettings
from pos_desktop.domain.tax import TaxRate
from pos_desktop.services.store_setup import init_store
from pos_desktop.storage import journal
from pos_desktop.storage.db import open_database
from pos_desktop.storage.migrations import current_version, latest_version, migrate
from pos_desktop.storage.sales_repo import SALE_COMPLETED, SalesRepository

REDUCED = TaxRate("B", "Reduced", Decimal("5.5"))
SALE_TABLES = ("sale", "sale_line", "payment", "journal", "outbox")


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "till.sqlite")
    init_store(
        database,
        StoreSettings(name="Shop", currency="EUR", prices_include_tax=True, terminal_id="T01"),
        (REDUCED,),
    )
    yield database
    database.close()


def make_sale(lines: int = 2, terminal_id: str = "T01"):
    cart = Cart("EUR", prices_include_tax=True)
    for n in range(lines):
        item = CatalogItem(f"p{n}", f"SKU{n}", f"Item {n}", 129 + n, "EUR", REDUCED)
        cart.add(item, n + 1)
    total, tendered = cart.totals().total, Money(10_000, "EUR")
    payment = Payment("cash", total, tendered, tendered - total)
    return sale_from_cart(cart, (payment,), terminal_id=terminal_id, completed_at=datetime.now(UTC))


def counts(db) -> dict[str, int]:
    return {t: db.execute_sql(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in SALE_TABLES}  # noqa: S608


def counter(db, terminal_id: str = "T01") -> int:
    sql = "SELECT last_number FROM receipt_counter WHERE terminal_id = ?"
    return db.execute_sql(sql, (terminal_id,)).fetchone()[0]


def fail_inserts_into(db, table: str) -> None:
    db.execute_sql(
        f"CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} "
        "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
    )


def test_a_version_1_database_upgrades_to_the_latest_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.sqlite"
    old = open_database(path, run_migrations=False)
    assert migrate(old, target=1) == 1
    stamp = "2024-01-02T03:04:05.000000+00:00"
    for sql, params in [
        (
            "INSERT INTO store_settings (id, name, currency, prices_include_tax, terminal_id) "
            "VALUES (1, 'Old shop', 'EUR', 1, 'T01')",
            (),
        ),
        ("INSERT INTO tax_rate VALUES ('A', 'Standard', '20')", ()),
        ("INSERT INTO product VALUES ('p1', 'SKU1', 'Milk', 129, 'A', 1, 0, ?)", (stamp,)),
        ("INSERT INTO barcode VALUES ('04006381333931', 'p1')", ()),
        ("INSERT INTO receipt_counter VALUES ('T01', 1)", ()),
        (
            "INSERT INTO sale (id, terminal_id, receipt_number, currency, subtotal_minor, "
            "tax_minor, total_minor, prices_include_tax, status, cashier, completed_at) "
            "VALUES ('s1', 'T01', 1, 'EUR', 108, 21, 129, 1, 'completed', NULL, ?)",
            (stamp,),
        ),
        (
            "INSERT INTO sale_line VALUES ('l1', 's1', 1, 'p1', 'SKU1', '04006381333931', "
            "'Milk', '1', 129, 129, 108, 21, 'A', '20')",
            (),
        ),
        ("INSERT INTO payment VALUES ('y1', 's1', 'cash', 'EUR', 129, 200, 71, NULL, ?)", (stamp,)),
    ]:
        old.execute_sql(sql, params)
    journal.append(old, SALE_COMPLETED, "s1", {"sale_id": "s1"}, datetime(2024, 1, 2, tzinfo=UTC))
    old.close()

    db = open_database(path)  # what the new till does on start
    try:
        assert current_version(db) == latest_version() > 1
        assert db.execute_sql("SELECT receipt_number, total_minor FROM sale").fetchall() == [
            (1, 129)
        ]
        assert db.execute_sql("SELECT name, price_minor FROM product").fetchall() == [("Milk", 129)]
        assert db.execute_sql("SELECT tendered_minor, change_minor FROM payment").fetchall() == [
            (200, 71)
        ]
        stored = SalesRepository(db).save_completed(make_sale())
        assert stored.receipt_number == 2
        assert journal.verify(db).ok and journal.verify(db).checked == 2
    finally:
        db.close()


def test_a_sale_commits_sale_lines_payments_journal_and_outbox_together(db):
    sale = SalesRepository(db).save_completed(make_sale(lines=3))

    assert counts(db) == {"sale": 1, "sale_line": 3, "payment": 1, "journal": 1, "outbox": 1}
    assert sale.receipt_number == 1 and counter(db) == 1
    body = json.loads(db.execute_sql("SELECT body FROM journal").fetchone()[0])
    event = json.loads(db.execute_sql("SELECT payload FROM outbox").fetchone()[0])
    assert body == event
    assert body["sale_id"] == sale.sale_id and body["receipt_number"] == 1
    assert body["total_minor"] == sale.total_minor == sum(ln.amount_minor for ln in sale.lines)


def test_a_failing_outbox_insert_leaves_nothing_of_the_sale(db):
    repo = SalesRepository(db)
    repo.save_completed(make_sale())
    before = counts(db)
    fail_inserts_into(db, "outbox")

    with pytest.raises((IntegrityError, sqlite3.IntegrityError), match="simulated failure"):
        repo.save_completed(make_sale(lines=4))

    assert counts(db) == before
    assert counter(db) == 1
    assert journal.verify(db).ok
    db.execute_sql("DROP TRIGGER fail_outbox")
    assert repo.save_completed(make_sale()).receipt_number == 2


def test_receipt_numbers_stay_gap_free_across_200_sales_with_failures_between(db):
    repo = SalesRepository(db)
    for n in range(200):
        if n % 25 == 7:  # now and then the commit fails half-way: that number must be reused
            fail_inserts_into(db, "journal")
            with pytest.raises((IntegrityError, sqlite3.IntegrityError)):
                repo.save_completed(make_sale(lines=1))
            db.execute_sql("DROP TRIGGER fail_journal")
        repo.save_completed(make_sale(lines=1 + n % 3))

    assert repo.receipt_numbers("T01") == list(range(1, 201))
    assert counter(db) == 200
    assert counts(db)["outbox"] == counts(db)["journal"] == 200
    result = journal.verify(db)
    assert result.ok and result.checked == 200


def test_each_terminal_numbers_its_own_receipts(db):
    db.execute_sql("INSERT INTO receipt_counter VALUES ('T02', 0)")
    repo = SalesRepository(db)
    numbers = [
        repo.save_completed(make_sale(terminal_id=t)).receipt_number for t in "T01 T02 T01".split()
    ]

    assert numbers == [1, 1, 2]
