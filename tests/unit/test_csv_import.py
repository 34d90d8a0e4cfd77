"""CSV product import: every bad row named by line, all-or-nothing, skip-bad-rows, BOM, prices."""

from __future__ import annotations

import sqlite3
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from peewee import IntegrityError

from pos_desktop.domain.store import StoreSettings
from pos_desktop.domain.tax import TaxRate
from pos_desktop.services.csv_import import (
    CsvImportError,
    ImportMode,
    import_products_csv,
    parse_barcodes,
    parse_price,
)
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.services.store_setup import init_store
from pos_desktop.storage.catalog_repo import CatalogRepository
from pos_desktop.storage.db import open_database

HEADER = "sku,name,price,tax_code,barcodes"
EAN1, EAN2, EAN3, EAN4 = (demo_ean13(n) for n in (1, 2, 3, 4))
BAD_CHECK = EAN1[:-1] + str((int(EAN1[-1]) + 1) % 10)


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "till.sqlite")
    init_store(
        database,
        StoreSettings(name="Test shop", currency="EUR", prices_include_tax=True),
        (TaxRate("A", "Standard", Decimal(20)), TaxRate("B", "Reduced", Decimal("5.5"))),
    )
    yield database
    database.close()


@pytest.fixture
def write_csv(tmp_path):
    def write(text: str, *, bom: bool = False, name: str = "products.csv"):
        path = tmp_path / name
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
        return path

    return write


def catalogue(db) -> tuple[list[tuple], list[tuple]]:
    products = db.execute_sql(
        "SELECT id, sku, name, price_minor, tax_code, active, sold_by_weight FROM product "
        "ORDER BY sku"
    ).fetchall()
    barcodes = db.execute_sql("SELECT gtin, product_id FROM barcode ORDER BY gtin").fetchall()
    return products, barcodes


def test_a_good_file_is_imported_with_exact_prices_and_normalised_barcodes(db, write_csv):
    path = write_csv(
        f"{HEADER},active,sold_by_weight\n"
        f"MILK,Whole milk 1L,1.29,B,{EAN1},,\n"
        f'TEA,"Tea, green",2.5,A,{EAN2}|{EAN3},no,\n'
        "APPLES,Apples loose,3.99,B,,yes,1\n"
    )

    report = import_products_csv(db, path, mode=ImportMode.ALL_OR_NOTHING)

    assert report.ok and report.written
    assert (report.rows_read, report.created, report.updated) == (3, 3, 0)
    repo = CatalogRepository(db, "EUR")
    milk = repo.find_by_gtin(EAN1.zfill(14))
    assert milk.name == "Whole milk 1L" and milk.unit_price_minor == 129
    assert milk.tax_rate.code == "B"
    assert repo.find_by_gtin(EAN3.zfill(14)) is None  # tea is inactive
    products, barcodes = catalogue(db)
    tea = next(p for p in products if p[1] == "TEA")
    assert tea[2:] == ("Tea, green", 250, "A", 0, 0)
    assert {g for g, pid in barcodes if pid == tea[0]} == {EAN2.zfill(14), EAN3.zfill(14)}
    apples = next(p for p in products if p[1] == "APPLES")
    assert apples[5:] == (1, 1)
    for product in products:
        uuid.UUID(product[0])  # new SKUs get UUIDs


def test_every_bad_row_is_reported_with_its_line_number_and_reason(db, write_csv):
    import_products_csv(db, write_csv(f"{HEADER}\nOWNER,Owner,1.00,A,{EAN4}\n", name="a.csv"))
    path = write_csv(
        f"{HEADER}\n"  # line 1
        f"OK1,Fine,1.00,A,{EAN1}\n"  # 2
        "TAX,Bad tax,1.00,Z,\n"  # 3
        f"CHECK,Bad check,1.00,A,{BAD_CHECK}\n"  # 4
        "OK1,Same sku,1.00,A,\n"  # 5
        f"DUPBAR,Same barcode,1.00,A,{EAN1}\n"  # 6
        f"TAKEN,Taken barcode,1.00,A,{EAN4}\n"  # 7
        "SHORT,Missing column,1.00,A\n"  # 8
        "PRICE1,Three decimals,1.234,A,\n"  # 9
        "PRICE2,Negative,-1.00,A,\n"  # 10
        "PRICE3,Float syntax,1e3,A,\n"  # 11
        "PRICE4,Empty price,,A,\n"  # 12
        ",No sku,1.00,A,\n"  # 13
        "NONAME,,1.00,A,\n"  # 14
        "LONG,Too many,1.00,A,,extra\n"  # 15
        "SHORTCODE,Short code,1.00,A,12345\n"  # 16
    )

    report = import_products_csv(db, path, mode="all-or-nothing")

    found = {e.line: e.message for e in report.errors}
    expected = {
        3: "unknown tax code 'Z'",
        4: "wrong check digit",
        5: "duplicate SKU 'OK1' (first on line 2)",
        6: f"duplicate barcode {EAN1.zfill(14)} (first on line 2)",
        7: f"barcode {EAN4.zfill(14)} already belongs to product OWNER",
        8: "missing column barcodes",
        9: "at most 2 decimals",
        10: "bad price '-1.00'",
        11: "bad price '1e3'",
        12: "price is empty",
        13: "sku is empty",
        14: "name is empty",
        15: "6 fields but the header has 5",
        16: "not a barcode",
    }
    assert set(found) == set(expected)
    for line, text in expected.items():
        assert text in found[line], (line, found[line])
    assert [e.line for e in report.errors] == sorted(found)
    assert str(report.errors[0]).startswith("line 3 (sku TAX): ")


def test_all_or_nothing_leaves_the_database_unchanged(db, write_csv):
    import_products_csv(db, write_csv(f"{HEADER}\nOLD,Old name,1.00,A,{EAN1}\n", name="a.csv"))
    before = catalogue(db)
    path = write_csv(f"{HEADER}\nOLD,New name,2.00,A,{EAN2}\nNEW,New,1.00,A,\nBAD,Bad,x,A,\n")

    report = import_products_csv(db, path, mode=ImportMode.ALL_OR_NOTHING)

    assert not report.written and [e.line for e in report.errors] == [4]
    assert catalogue(db) == before


def test_skip_bad_rows_writes_exactly_the_good_rows(db, write_csv):
    path = write_csv(
        f"{HEADER}\nG1,Good,1.00,A,{EAN1}\nB1,Bad,1.00,Q,\nG2,Good too,0.99,B,\nB2,Bad,abc,A,\n"
    )

    report = import_products_csv(db, path, mode=ImportMode.SKIP_BAD_ROWS)

    assert report.written and report.created == 2
    assert [e.line for e in report.errors] == [3, 5]
    products, barcodes = catalogue(db)
    assert [p[1] for p in products] == ["G1", "G2"]
    assert [g for g, _ in barcodes] == [EAN1.zfill(14)]


def test_skip_bad_rows_writes_in_one_transaction(db, write_csv):
    # A trigger makes the last good row fail in the database: the earlier ones must roll back.
    db.execute_sql(
        "CREATE TRIGGER no_last BEFORE INSERT ON product WHEN NEW.sku = 'LAST' "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    path = write_csv(f"{HEADER}\nFIRST,First,1.00,A,{EAN1}\nBAD,Bad,x,A,\nLAST,Last,1.00,A,\n")

    with pytest.raises((IntegrityError, sqlite3.IntegrityError)):
        import_products_csv(db, path, mode=ImportMode.SKIP_BAD_ROWS)

    assert catalogue(db) == ([], [])


def test_dry_run_reports_but_writes_nothing(db, write_csv):
    path = write_csv(f"{HEADER}\nA1,One,1.00,A,{EAN1}\nA2,Two,1.00,A,\n")

    report = import_products_csv(db, path, mode=ImportMode.SKIP_BAD_ROWS, dry_run=True)

    assert report.ok and not report.written and report.created == 2
    assert catalogue(db) == ([], [])


def test_utf8_with_bom_and_header_in_any_case_and_order(db, write_csv):
    path = write_csv(
        f"Name,SKU,Barcodes,Tax_Code,Price\nCrème brûlée,CB1,{EAN1},A,3.50\n", bom=True
    )

    report = import_products_csv(db, path)

    assert report.ok
    assert catalogue(db)[0][0][1:4] == ("CB1", "Crème brûlée", 350)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        (f"X1,Name,1.00,A,{EAN1}\n", "header row is missing"),
        ("sku,name,price,tax_code\n", "no column barcodes"),
        (f"{HEADER},colour\n", "unknown column 'colour'"),
        (f"{HEADER},sku\n", "column sku appears twice"),
    ],
)
def test_a_missing_or_wrong_header_is_refused_clearly(db, write_csv, text, message):
    with pytest.raises(CsvImportError, match=message):
        import_products_csv(db, write_csv(text))


def test_a_file_in_neither_utf8_nor_windows_1252_is_refused(db, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(f"{HEADER}\nX,Odd\x81name,1.00,A,\n".encode("latin-1"))  # 0x81: undefined

    with pytest.raises(CsvImportError, match="neither UTF-8 nor Windows-1252.*0x81"):
        import_products_csv(db, path)


FIXTURES = Path(__file__).parents[1] / "fixtures" / "catalog"


def test_german_excel_semicolons_cp1252_and_decimal_commas(db):
    report = import_products_csv(db, FIXTURES / "excel_de_semicolon_cp1252.csv")

    assert report.ok and report.written and report.created == 4
    assert report.reading() == (
        "Read as Windows-1252 (not UTF-8), semicolon-separated, decimal commas."
    )
    products = {p[1]: p for p in catalogue(db)[0]}
    assert products["KAFFEE500"][2:4] == ("Röstkaffee 500 g", 649)
    assert products["CREME"][2:4] == ("Crème fraîche 200 g", 129)
    assert products["EURO"][2:4] == ("Geschenkkarte 10 €", 1000)
    assert products["KAESE"][3] == 2490 and products["KAESE"][6] == 1  # sold by weight
    assert len(catalogue(db)[1]) == 3


def test_excel_utf8_with_bom_and_a_quoted_comma(db):
    report = import_products_csv(db, FIXTURES / "excel_bom_utf8.csv")

    assert report.ok and report.reading() == "Read as UTF-8 with BOM, comma-separated."
    names = {p[1]: p[2] for p in catalogue(db)[0]}
    assert names == {"SUSHI": "寿司セット", "TEA80": "Tea bags, 80 – green"}


def test_tab_separated_with_a_decimal_comma(db):
    report = import_products_csv(db, FIXTURES / "tab_separated.csv")

    assert report.reading() == "Read as UTF-8, tab-separated, decimal commas."
    assert catalogue(db)[0][0][1:4] == ("TAB1", "Tabbed, with comma", 350)


def test_hostile_cells_are_refused_with_the_character_named(db):
    report = import_products_csv(db, FIXTURES / "hostile_cells.csv", mode=ImportMode.SKIP_BAD_ROWS)

    assert report.written and report.created == 2  # GOOD1 and GOOD2 only
    why = {e.line: e.message for e in report.errors}
    assert "U+0000" in why[3] and "control character" in why[3]
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in why[4]
    assert "U+200B ZERO WIDTH SPACE" in why[5] and why[5].startswith("sku")
    assert "name '=HYPERLINK" in why[6] and "formula" in why[6]
    assert "sku '@SUM' starts with '@'" in why[7]
    assert "starts with '+'" in why[8] and "starts with '-'" in why[9]
    assert "U+0007" in why[10]
    assert sorted(p[1] for p in catalogue(db)[0]) == ["GOOD1", "GOOD2"]


def test_existing_sku_keeps_its_id_and_its_barcodes_are_replaced(db, write_csv):
    import_products_csv(db, write_csv(f"{HEADER}\nKEEP,Old,1.00,A,{EAN1}|{EAN2}\n", name="a.csv"))
    old_id = catalogue(db)[0][0][0]

    report = import_products_csv(db, write_csv(f"{HEADER}\nKEEP,New,2.00,B,{EAN3}\n"))

    assert (report.created, report.updated) == (0, 1)
    products, barcodes = catalogue(db)
    assert products == [(old_id, "KEEP", "New", 200, "B", 1, 0)]
    assert barcodes == [(EAN3.zfill(14), old_id)]


def test_a_barcode_may_move_between_products_in_the_same_file(db, write_csv):
    import_products_csv(
        db, write_csv(f"{HEADER}\nP1,One,1.00,A,{EAN1}\nP2,Two,1.00,A,\n", name="a")
    )

    report = import_products_csv(db, write_csv(f"{HEADER}\nP1,One,1.00,A,\nP2,Two,1.00,A,{EAN1}\n"))

    assert report.ok
    owner = db.execute_sql(
        "SELECT p.sku FROM barcode b JOIN product p ON p.id = b.product_id"
    ).fetchall()
    assert owner == [("P2",)]


def test_a_move_is_refused_when_the_old_owners_row_is_bad(db, write_csv):
    import_products_csv(db, write_csv(f"{HEADER}\nP1,One,1.00,A,{EAN1}\n", name="a.csv"))

    report = import_products_csv(
        db,
        write_csv(f"{HEADER}\nP1,One,oops,A,\nP2,Two,1.00,A,{EAN1}\n"),
        mode=ImportMode.SKIP_BAD_ROWS,
    )

    assert [e.line for e in report.errors] == [2, 3]
    assert "already belongs to product P1" in report.errors[1].message


def test_line_numbers_count_physical_lines_of_multiline_fields(db, write_csv):
    path = write_csv(f'{HEADER}\nM1,"Two\nlines",1.00,A,\nM2,Bad,1.00,Z,\n')

    report = import_products_csv(db, path)

    # the line break itself has no place in a product name (receipts, screens): refused, named
    assert [e.line for e in report.errors] == [2, 4]
    assert "U+000A" in report.errors[0].message


def test_import_needs_a_store(tmp_path, write_csv):
    database = open_database(tmp_path / "empty.sqlite")
    try:
        with pytest.raises(CsvImportError, match="pos-admin init"):
            import_products_csv(database, write_csv(f"{HEADER}\n"))
    finally:
        database.close()


def test_duplicate_codes_in_one_cell_collapse_to_one_gtin():
    assert parse_barcodes(f" {EAN1} | {EAN1.zfill(14)} ||") == (EAN1.zfill(14),)


# --- prices: exact decimal text, never floats --------------------------------------------


@given(st.integers(min_value=0, max_value=10**10))
def test_price_text_round_trips_to_exact_minor_units(minor):
    assert parse_price(f"{minor // 100}.{minor % 100:02d}", "EUR") == minor


@given(
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
)
def test_parsed_prices_add_up_exactly(a, b):
    # "0.1" + "0.2" is 0.30000000000000004 in floats; in minor units it must be exactly 30.
    assert parse_price(f"{a:f}", "EUR") + parse_price(f"{b:f}", "EUR") == parse_price(
        f"{a + b:f}", "EUR"
    )


def test_point_one_plus_point_two_is_point_three():
    assert parse_price("0.1", "EUR") + parse_price("0.2", "EUR") == parse_price("0.3", "EUR") == 30


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [("1.29", "EUR", 129), ("1,29", "EUR", 129), ("7", "EUR", 700), ("120", "JPY", 120),
     ("1.234", "BHD", 1234), ("0.000", "EUR", 0)],
)  # fmt: skip
def test_prices_follow_the_currency_exponent(text, currency, minor):
    assert parse_price(text, currency) == minor


@pytest.mark.parametrize("text", ["1.5", "abc", "1e3", "-1", "+1", " ", "NaN", "1.000.0", "€1"])
def test_bad_yen_prices_are_refused(text):
    with pytest.raises(ValueError, match="price"):
        parse_price(text.strip(), "JPY")


def test_importing_the_same_file_twice_updates_in_place(db, write_csv):
    path = write_csv(f"{HEADER}\nP1,One,1.00,A,{EAN1}|{EAN2}\nP2,Two,2.00,B,{EAN3}\n")
    import_products_csv(db, path)
    first = catalogue(db)

    report = import_products_csv(db, path)

    assert report.ok and (report.created, report.updated) == (0, 2)
    assert catalogue(db) == first
