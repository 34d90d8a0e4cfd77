"""``pos-admin`` run in-process: real data dir, real database, output and exit codes."""

from __future__ import annotations

import re

import pytest

from pos_desktop.cli import admin
from pos_desktop.cli.admin import main
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.storage import journal
from pos_desktop.storage.db import open_database
from pos_desktop.storage.migrations import latest_version, migrate
from pos_desktop.storage.settings_repo import load_settings

HEADER = "sku,name,price,tax_code,barcodes"


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "till"


@pytest.fixture
def run(data_dir, capsys):
    """Run pos-admin on the test data dir; returns (exit code, stdout, stderr)."""

    def call(*args: str):
        code = main(["--data-dir", str(data_dir), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return call


@pytest.fixture
def store(run):
    code, _, _ = run(
        "init", "--store-name", "Corner Shop", "--currency", "EUR",
        "--tax-rate", "A:Standard:20", "B:Reduced:5.5", "--locale", "en_IE",
    )  # fmt: skip
    assert code == 0


def db_query(data_dir, sql: str):
    db = open_database(data_dir / "till.sqlite")
    try:
        return db.execute_sql(sql).fetchall()
    finally:
        db.close()


def assert_one_clear_line(err: str, *needles: str) -> None:
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err


# --- init ---------------------------------------------------------------------------------


def test_init_creates_the_store_with_its_tax_rates(run, data_dir):
    code, out, err = run(
        "init", "--store-name", "Corner Shop", "--currency", "gbp", "--prices-exclude-tax",
        "--terminal-id", "T07", "--locale", "en_GB", "--tax-rate", "S:Standard:20",
        "--tax-rate", "Z:Zero:0", "--admin-name", "Alice", "--admin-pin", "654321",
    )  # fmt: skip

    assert code == 0 and err == ""
    assert "Store 'Corner Shop' created" in out and "administrator: Alice" in out
    db = open_database(data_dir / "till.sqlite")
    try:
        admin_row = db.execute_sql("SELECT role, pin_hash FROM staff_user").fetchone()
        settings = load_settings(db)
        rates = db.execute_sql("SELECT code, percent FROM tax_rate ORDER BY code").fetchall()
    finally:
        db.close()
    assert admin_row[0] == "admin" and admin_row[1].startswith("$argon2id$")
    assert (settings.name, settings.currency, settings.prices_include_tax) == (
        "Corner Shop",
        "GBP",
        False,
    )
    assert (settings.terminal_id, settings.locale) == ("T07", "en_GB")
    assert rates == [("S", "20"), ("Z", "0")]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--currency", "EURO"], "not an ISO 4217 currency code"),
        (["--currency", "XYZ"], "XYZ is not an ISO 4217 currency"),
        (["--tax-rate", "A-20"], "CODE:NAME:PERCENT"),
        (["--tax-rate", "A:Standard:abc"], "'abc' is not a percentage"),
        (["--tax-rate", "A:Standard:120"], "outside 0-99.99"),
        (["--locale", "xx_YY"], "not a known locale"),
        (["--terminal-id", "T 01"], "--terminal-id"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_init_refuses_bad_input_with_one_line_and_exit_2(run, data_dir, args, needle):
    code, out, err = run("init", "--store-name", "Shop", *args)

    assert code == 2 and out == ""
    assert_one_clear_line(err, "pos-admin", needle)
    assert not (data_dir / "till.sqlite").exists() or not db_query(
        data_dir, "SELECT * FROM store_settings"
    )


def test_init_refuses_to_reinitialise_a_store_with_sales_unless_forced(run, store):
    assert run("demo-sales", "--sales", "2", "--seed", "1")[0] == 0

    code, _, err = run("init", "--store-name", "Renamed")
    assert code == 1
    assert_one_clear_line(err, "already has 2 sales", "--force")

    code, out, _ = run("init", "--store-name", "Renamed", "--force")
    assert code == 0 and "Store 'Renamed' updated" in out


def test_reinit_keeps_what_is_not_given(run, store, data_dir):
    assert run("init", "--store-name", "New name")[0] == 0

    db = open_database(data_dir / "till.sqlite")
    try:
        settings = load_settings(db)
    finally:
        db.close()
    assert (settings.name, settings.currency, settings.locale) == ("New name", "EUR", "en_IE")


# --- demo-catalog -------------------------------------------------------------------------


def test_demo_catalog_creates_the_demo_store_and_shows_progress(run, data_dir):
    code, out, err = run("demo-catalog", "--products", "120")

    assert code == 0 and "Wrote 120 demo products" in out
    assert "\r" in err and "100% 120/120" in err
    assert db_query(data_dir, "SELECT COUNT(*) FROM product") == [(120,)]
    assert db_query(data_dir, "SELECT COUNT(*) FROM barcode") == [(120,)]
    assert db_query(data_dir, "SELECT name FROM store_settings") == [("Corner Market (demo)",)]


@pytest.mark.parametrize("count", ["0", "1000001", "ten", "-5"])
def test_demo_catalog_refuses_a_bad_count(run, data_dir, count):
    code, _, err = run("demo-catalog", "--products", count)

    assert code == 2
    assert_one_clear_line(err, "--products")
    assert not data_dir.exists()


def test_demo_catalog_needs_the_demo_tax_codes(run):
    run("init", "--store-name", "Shop", "--currency", "EUR", "--tax-rate", "S:Standard:20")

    code, _, err = run("demo-catalog", "--products", "5")

    assert code == 1
    assert_one_clear_line(err, "tax codes A and B")


# --- import-products ----------------------------------------------------------------------


def test_import_products_good_file(run, store, data_dir, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(f"{HEADER}\nMILK,Milk,1.29,B,{demo_ean13(1)}\nTEA,Tea,2.50,A,\n")

    code, out, err = run("import-products", str(path))

    assert code == 0 and err == ""
    assert "Imported 2 products (2 new, 0 updated)" in out
    assert f"{path}: Read as UTF-8, comma-separated." in out
    assert db_query(data_dir, "SELECT sku, price_minor FROM product ORDER BY sku") == [
        ("MILK", 129),
        ("TEA", 250),
    ]


def test_import_products_says_how_a_german_excel_file_was_read(run, store, data_dir):
    from pathlib import Path

    path = Path(__file__).parents[1] / "fixtures" / "catalog" / "excel_de_semicolon_cp1252.csv"
    code, out, err = run("import-products", str(path))

    assert code == 0 and err == ""
    assert "Read as Windows-1252 (not UTF-8), semicolon-separated, decimal commas." in out
    assert ("KAFFEE500", 649) in db_query(data_dir, "SELECT sku, price_minor FROM product")


def test_import_products_all_or_nothing_reports_rows_and_writes_nothing(
    run, store, data_dir, tmp_path
):
    path = tmp_path / "p.csv"
    path.write_text(f"{HEADER}\nOK,Fine,1.00,A,\nBAD,Bad tax,1.00,Q,\nBAD2,Bad price,1.2.3,A,\n")

    code, out, err = run("import-products", str(path))

    assert code == 1
    assert err.splitlines() == [
        f"{path}: line 3 (sku BAD): unknown tax code 'Q' (known: A, B)",
        f"{path}: line 4 (sku BAD2): bad price '1.2.3'; write it like 1.29 (no sign, symbol or "
        "spaces)",
    ]
    assert "Nothing imported: 2 of 3 rows" in out and "--skip-bad-rows" in out
    assert db_query(data_dir, "SELECT COUNT(*) FROM product") == [(0,)]


def test_import_products_skip_bad_rows_and_dry_run(run, store, data_dir, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(f"{HEADER}\nOK,Fine,1.00,A,\nBAD,Bad tax,1.00,Q,\n")

    code, out, err = run("import-products", str(path), "--skip-bad-rows", "--dry-run")
    assert code == 1 and "nothing was written" in out and "line 3" in err
    assert db_query(data_dir, "SELECT COUNT(*) FROM product") == [(0,)]

    code, out, err = run("import-products", str(path), "--skip-bad-rows")
    assert code == 0 and "skipped 1 bad rows" in out and "line 3" in err
    assert db_query(data_dir, "SELECT sku FROM product") == [("OK",)]


def test_import_products_input_errors(run, store, tmp_path):
    code, _, err = run("import-products", str(tmp_path / "missing.csv"))
    assert code == 2
    assert_one_clear_line(err, "missing.csv: no such file")

    code, _, err = run("import-products", "x.csv", "--all-or-nothing", "--skip-bad-rows")
    assert code == 2
    assert_one_clear_line(err, "not allowed with argument")

    headerless = tmp_path / "noheader.csv"
    headerless.write_text("MILK,Milk,1.29,B,\n")
    code, _, err = run("import-products", str(headerless))
    assert code == 1
    assert_one_clear_line(err, "header row is missing")


def test_commands_on_an_empty_data_dir_say_to_run_init(run, data_dir, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(f"{HEADER}\n")
    for args in (["import-products", str(path)], ["sales", "list"], ["journal", "verify"]):
        code, _, err = run(*args)
        assert code == 1
        assert_one_clear_line(err, "No till database", "init")
    assert not data_dir.exists()


# --- sales, demo-sales, journal -----------------------------------------------------------


def test_demo_sales_on_an_empty_data_dir_then_sales_list(run, data_dir):
    code, out, err = run("demo-sales", "--sales", "6", "--seed", "3")

    assert code == 0
    assert "500-product demo catalogue" in out and "Recorded 6 sales (receipts 1-6" in out
    assert "100% 6/6" in err
    assert db_query(data_dir, "SELECT COUNT(*) FROM product") == [(500,)]
    sales = db_query(data_dir, "SELECT receipt_number, total_minor FROM sale ORDER BY 1")
    assert [n for n, _ in sales] == [1, 2, 3, 4, 5, 6]
    lines = db_query(data_dir, "SELECT COUNT(*) FROM sale_line GROUP BY sale_id")
    assert all(1 <= n <= 8 for (n,) in lines)
    payments = db_query(
        data_dir,
        "SELECT p.tender, p.tendered_minor, p.change_minor, s.total_minor "
        "FROM payment p JOIN sale s ON s.id = p.sale_id",
    )
    for tender, tendered, change, total in payments:
        assert tender == "cash" and tendered - change == total and change >= 0
        assert tendered == total or tendered % 500 == 0  # exact, or banknotes

    code, out, _ = run("sales", "list", "--limit", "4")
    assert code == 0
    table = out.splitlines()
    assert table[0].split() == ["Receipt", "Time", "Total", "Tenders", "Lines"]
    assert [row.split()[0] for row in table[1:]] == ["6", "5", "4", "3"]
    assert all("€" in row and "cash" in row for row in table[1:])

    # The shift demo-sales opened for its sales, then the 6 sales.
    assert run("journal", "verify")[:2] == (
        0,
        "journal OK: 7 records\naudit log OK: 0 entries\n",
    )


def test_demo_sales_are_reproducible_with_a_seed(tmp_path, capsys):
    totals = []
    for name in ("a", "b"):  # a catalogue larger than the sample the baskets are drawn from
        assert main(["--data-dir", str(tmp_path / name), "demo-catalog", "--products", "5000"]) == 0
        assert (
            main(["--data-dir", str(tmp_path / name), "demo-sales", "--sales", "3", "--seed", "9"])
            == 0
        )
        db = open_database(tmp_path / name / "till.sqlite")
        totals.append(
            db.execute_sql("SELECT total_minor FROM sale ORDER BY receipt_number").fetchall()
        )
        db.close()
    capsys.readouterr()
    assert totals[0] == totals[1]


def test_sales_list_on_a_store_without_sales(run, store):
    assert run("sales", "list") == (0, "No sales yet.\n", "")


def test_journal_verify_reports_a_tampered_record_and_exits_1(run, store, data_dir):
    run("demo-sales", "--sales", "3", "--seed", "1")
    db = open_database(data_dir / "till.sqlite")
    db.execute_sql("DROP TRIGGER journal_no_update")
    db.execute_sql("UPDATE journal SET body = '{}' WHERE seq = 2")
    head = journal.head(db)
    db.close()

    code, out, _ = run("journal", "verify")
    assert code == 1
    assert "journal BROKEN: 1 problem(s) in 4 records" in out  # the shift's opening, 3 sales
    assert "record 2: content was changed" in out

    code, _, err = run("journal", "verify", "--head", "3:nothex")
    assert code == 2
    assert_one_clear_line(err, "SEQ:HASH")
    code, out, _ = run("journal", "verify", "--head", f"{head.seq + 1}:{head.hash}")
    assert code == 1 and "records were removed from the end" in out


# --- db -----------------------------------------------------------------------------------


def test_db_version_and_migrate_upgrade_an_old_database(run, data_dir):
    data_dir.mkdir()
    old = open_database(data_dir / "till.sqlite", run_migrations=False)
    migrate(old, target=1)
    old.close()
    latest = latest_version()

    code, out, _ = run("db", "version")
    assert code == 0 and out.startswith(f"schema version 1 (this program knows up to {latest})")
    assert f"{latest - 1} migration(s) pending" in out

    code, out, _ = run("db", "migrate")
    assert code == 0 and f"from schema version 1 to {latest}" in out
    assert run("db", "migrate")[1] == f"Already at schema version {latest}; nothing to do.\n"
    assert (
        run("db", "version")[1] == f"schema version {latest} (this program knows up to {latest})\n"
    )


# --- global behaviour ---------------------------------------------------------------------


def test_data_dir_is_respected_before_or_after_the_command(tmp_path, capsys, monkeypatch):
    default = tmp_path / "default"
    monkeypatch.setattr(admin, "default_data_dir", lambda: default)
    chosen = tmp_path / "chosen"

    assert main(["demo-catalog", "--products", "3", "--data-dir", str(chosen)]) == 0
    assert (chosen / "till.sqlite").exists() and not default.exists()

    assert main(["demo-catalog", "--products", "2"]) == 0
    assert (default / "till.sqlite").exists()
    capsys.readouterr()


@pytest.mark.parametrize(
    "args",
    [[], ["init"], ["demo-catalog"], ["import-products"], ["sales", "list"], ["demo-sales"],
     ["journal", "verify"], ["db", "migrate"], ["db", "version"], ["sales"], ["db"]],
)  # fmt: skip
def test_help_everywhere(args, capsys):
    assert main([*args, "--help"]) == 0
    assert "usage: pos-admin" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "needle"),
    [([], "the following arguments are required: COMMAND"), (["frobnicate"], "invalid choice"),
     (["sales"], "required: ACTION"), (["sales", "list", "--limit", "0"], "--limit")],
)  # fmt: skip
def test_bad_commands_are_one_line_and_exit_2(args, needle, capsys, tmp_path):
    assert main(["--data-dir", str(tmp_path), *args]) == 2
    assert_one_clear_line(capsys.readouterr().err, needle)


def test_store_set_timezone_checks_the_name(store, run, data_dir):
    code, _, err = run("store", "set", "timezone", "Europe/Berlín")
    assert code != 0
    assert_one_clear_line(err, "timezone:", "Europe/Berlin")
    assert run("store", "set", "timezone", "Europe/Berlin")[0] == 0
    assert db_query(data_dir, "SELECT timezone FROM store_settings") == [("Europe/Berlin",)]
    code, out, _ = run("store", "show")
    assert code == 0 and "Europe/Berlin" in out


def test_store_set_receipt_qr_switches_the_digital_receipt_code(store, run, data_dir):
    assert db_query(data_dir, "SELECT receipt_qr FROM store_settings") == [(1,)]  # on by default
    code, _, err = run("store", "set", "receipt_qr", "maybe")
    assert code != 0 and "receipt_qr" in err
    assert run("store", "set", "receipt_qr", "no")[0] == 0
    assert db_query(data_dir, "SELECT receipt_qr FROM store_settings") == [(0,)]
    code, out, _ = run("store", "show")
    assert code == 0 and re.search(r"receipt_qr\s+no", out), out
