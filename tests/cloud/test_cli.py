"""The pos-cloud command line (no server needed; SQLite files in tmp_path)."""

from __future__ import annotations

import pytest

from pos_cloud.cli import main
from pos_cloud.db import ThrowawaySchema, connection, init_database
from pos_cloud.models import Barcode, Product


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'cloud.db'}"


def _last_line(capsys) -> str:
    return capsys.readouterr().out.strip().splitlines()[-1]


def _store(db_url, capsys) -> str:
    assert (
        main(["create-store", "--name", "Main St", "--currency", "eur", "--database", db_url]) == 0
    )
    return _last_line(capsys)


def _products(db_url) -> list[tuple]:
    init_database(db_url)
    with connection():
        return sorted(
            (p.sku, p.price_minor, p.active) for p in Product.select()
        ), Barcode.select().count()


def test_create_store_enroll_and_admin_token(db_url, capsys):
    store = _store(db_url, capsys)
    assert len(store) == 36
    assert main(["enroll-terminal", "--store", store, "--database", db_url]) == 0
    code = _last_line(capsys)
    assert len(code) == 14 and code.count("-") == 2
    assert main(["create-admin-token", "--database", db_url]) == 0
    assert _last_line(capsys).startswith("pca_")


def test_import_products_all_good(db_url, tmp_path, capsys):
    store = _store(db_url, capsys)
    csv = tmp_path / "p.csv"
    csv.write_text(
        "sku,name,price,tax_code,barcodes,active\n"
        "A1,Pen,1.50,A,4006381333931,1\n"
        "A2,Pad,3,B,,false\n"
    )
    assert main(["import-products", "--store", store, str(csv), "--database", db_url]) == 0
    out = capsys.readouterr().out
    assert "Imported 2" in out and "Read as UTF-8, comma-separated." in out
    assert _products(db_url) == ([("A1", 150, True), ("A2", 300, False)], 1)


def test_import_reports_bad_rows_by_line_and_writes_nothing(db_url, tmp_path, capsys):
    store = _store(db_url, capsys)
    csv = tmp_path / "p.csv"
    csv.write_text(
        "sku,name,price,tax_code,barcodes\n"
        "A1,Pen,1.50,A,4006381333931\n"
        "A2,Pad,1.505,A,\n"
        "A3,Ink,1,A,4006381333932\n"
        "A1,Dup,1,A,\n"
    )
    assert main(["import-products", "--store", store, str(csv), "--database", db_url]) == 2
    err = capsys.readouterr().err
    assert "line 3: bad price: EUR amounts have at most 2 decimals: '1.505'" in err
    assert "line 4: GTIN '4006381333932' has a wrong check digit" in err
    assert "line 5: sku 'A1' repeats line 2" in err
    assert len(err.strip().splitlines()) == 1
    assert _products(db_url) == ([], 0)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["create-store", "--name", "X", "--currency", "EURO"], "not an ISO 4217"),
        (["create-store", "--name", " "], "needs a name"),
        (["enroll-terminal", "--store", "nope"], "No store with id nope"),
        (["import-products", "--store", "nope", "missing.csv"], "No store with id nope"),
        (["create-store"], "--name"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(db_url, capsys, argv, message):
    try:
        code = main([*argv, "--database", db_url])
    except SystemExit as exc:  # argparse's usage errors leave through SystemExit
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_missing_csv_and_bad_header(db_url, tmp_path, capsys):
    store = _store(db_url, capsys)
    missing = tmp_path / "none.csv"
    assert main(["import-products", "--store", store, str(missing), "--database", db_url]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("sku,title\nA,B\n")
    assert main(["import-products", "--store", store, str(bad), "--database", db_url]) == 2
    err = capsys.readouterr().err
    assert "header row is missing or incomplete (no column name, price, tax_code, barcodes" in err


def test_bad_database_url(capsys):
    assert main(["create-admin-token", "--database", "mysql://x/y"]) == 2
    assert "Unsupported database URL" in capsys.readouterr().err
    assert main(["create-admin-token", "--database", "postgresql://nobody@127.0.0.1:1/x"]) == 2
    assert "cannot use database" in capsys.readouterr().err


def test_serve_refuses_several_workers_on_sqlite_and_zero_workers(db_url, capsys):
    assert main(["serve", "--workers", "2", "--database", db_url]) == 2
    assert "needs PostgreSQL" in capsys.readouterr().err
    assert main(["serve", "--workers", "0", "--database", db_url]) == 2
    assert "--workers must be 1 or more" in capsys.readouterr().err


@pytest.mark.postgres
def test_serve_with_two_workers_on_postgres(tmp_path):
    import signal
    import socket
    import subprocess
    import sys
    import time

    import httpx

    from .conftest import PG_DSN, skip_without_postgres

    skip_without_postgres()
    schema = ThrowawaySchema(PG_DSN, "pos_cli_test")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = schema.url
    command = [sys.executable, "-m", "pos_cloud.cli", "serve", "--workers", "2"]
    server = subprocess.Popen([*command, "--database", url, "--port", str(port)])
    try:
        statuses = set()
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(300):  # up to ~30 s on a loaded machine; returns as soon as it answers
                try:
                    client.get("/v1/health")
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            for _ in range(6):  # spread over the workers: each checks tokens in the database
                r = client.get("/v1/terminals/me", headers={"Authorization": "Bearer pct_nope"})
                statuses.add(r.status_code)
        assert statuses == {401}
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(30)
        schema.drop()


def test_big_import_on_postgres_leaves_the_catalogue_vacuumed(tmp_path, capsys, monkeypatch):
    from pos_cloud import csv_import

    from .conftest import PG_DSN, skip_without_postgres

    skip_without_postgres()
    monkeypatch.setattr(csv_import, "SETTLE_AFTER_ROWS", 2)  # a 2-row file counts as big
    schema = ThrowawaySchema(PG_DSN, "pos_cli_vacuum")
    try:
        store = _store(schema.url, capsys)
        csv = tmp_path / "p.csv"
        csv.write_text(
            "sku,name,price,tax_code,barcodes,active\n"
            "A1,Pen,1.50,A,4006381333931,1\nA2,Pad,3.00,B,,1\n"
        )
        assert main(["import-products", "--store", store, str(csv), "--database", schema.url]) == 0
        init_database(schema.url)
        with connection():
            from pos_cloud.db import database_proxy

            rows = database_proxy.execute_sql(
                "SELECT relname, last_vacuum IS NOT NULL, last_analyze IS NOT NULL "
                "FROM pg_stat_user_tables WHERE schemaname = current_schema() "
                "AND relname IN ('product', 'barcode') ORDER BY relname"
            ).fetchall()
        assert rows == [("barcode", True, True), ("product", True, True)]
    finally:
        schema.drop()


def test_reimport_updates_in_place_restores_and_moves_barcodes(db_url, tmp_path, capsys):
    from pos_cloud import catalog

    store = _store(db_url, capsys)
    csv = tmp_path / "p.csv"
    csv.write_text("sku,name,price,tax_code,barcodes\nA1,Pen,1.50,A,4006381333931\nA2,Pad,3,A,\n")
    argv = ["import-products", "--store", store, str(csv), "--database", db_url]
    assert main(argv) == 0
    init_database(db_url)
    with connection():
        first = {p.sku: p.id for p in Product.select()}
        catalog.delete_product(store, "A1")
    csv.write_text(  # A1 comes back, its barcode moves to the new A3
        "sku,name,price,tax_code,barcodes\nA1,Pen,1.75,A,\nA3,Ink,0.99,A,4006381333931\n"
    )
    assert main(argv) == 0
    init_database(db_url)
    with connection():
        rows = {p.sku: (p.id, p.price_minor, p.deleted) for p in Product.select()}
        barcode = Barcode.get()
        seqs = sorted(
            [p.change_seq for p in Product.select()] + [b.change_seq for b in Barcode.select()]
        )
    assert rows["A1"] == (first["A1"], 175, False) and rows["A2"][0] == first["A2"]
    assert (barcode.product_id, barcode.deleted) == (rows["A3"][0], False)
    assert len(set(seqs)) == len(seqs)
