"""``pos-admin init --country ...`` and ``pos-admin store show|set``; --data-dir anywhere."""

from __future__ import annotations

import pytest

from pos_desktop.cli.admin import hoist_data_dir, main
from pos_desktop.config import load_config
from pos_desktop.storage.checkout_settings_repo import load_checkout_settings
from pos_desktop.storage.db import open_database
from pos_desktop.storage.settings_repo import load_settings


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "till"


@pytest.fixture
def run(capsys):
    def call(*args: str):
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return call


def stored(data_dir):
    db = open_database(data_dir / "till.sqlite")
    try:
        return load_settings(db), load_checkout_settings(db)
    finally:
        db.close()


def test_init_takes_every_setup_field_and_the_country_presets(run, data_dir):
    code, out, err = run(
        "init", "--store-name", "Fromagerie", "--country", "CH", "--address",
        "Bahnhofstr. 1\\n8001 Zürich", "--tax-id", "CHE-123.456.789", "--receipt-header",
        "Open 8-18", "--receipt-footer", "Merci!", "--admin-name", "Owner", "--admin-pin",
        "135790", "--data-dir", str(data_dir),
    )  # fmt: skip
    assert code == 0, err
    settings, checkout = stored(data_dir)
    assert settings.address == "Bahnhofstr. 1\n8001 Zürich"
    assert (settings.tax_id, settings.country, settings.currency) == (
        "CHE-123.456.789",
        "CH",
        "CHF",
    )
    assert (settings.receipt_header, settings.receipt_footer) == ("Open 8-18", "Merci!")
    assert checkout.cash_increment_minor == 5
    assert "tax rates: A Standard 8.1 %" in out


def test_init_refuses_a_country_without_presets(run, data_dir):
    code, _, err = run("--data-dir", str(data_dir), "init", "--store-name", "S", "--country", "ZZ")
    assert code == 2 and "presets exist for" in err and "Traceback" not in err


def test_store_show_and_set_with_data_dir_before_or_after(run, data_dir):
    assert run("--data-dir", str(data_dir), "init", "--store-name", "S", "--country", "US")[0] == 0
    code, out, _ = run("store", "set", "tax_id", "12-3456789", "--data-dir", str(data_dir))
    assert code == 0 and "tax_id = 12-3456789" in out
    assert run("store", "set", "tenders", "Cheque, EBT", "--data-dir", str(data_dir))[0] == 0
    assert run("--data-dir", str(data_dir), "store", "set", "drawer_tenders", "Cheque")[0] == 0
    assert run("store", "set", "idle_lock", "120", "--data-dir", str(data_dir))[0] == 0
    code, out, _ = run("store", "show", "--data-dir", str(data_dir))
    assert code == 0
    assert "prices_include_tax   no" in out and "drawer_tenders       Cheque" in out
    assert "idle_lock            120" in out
    assert load_config(data_dir).lock_after_idle_s == 120
    code, out, _ = run(
        "store", "set", "loyalty_group_rates", "Coffee=2, Tobacco=0", "--data-dir", str(data_dir)
    )
    assert code == 0 and "loyalty_group_rates = Coffee=2, Tobacco=0" in out
    code, out, _ = run(
        "store",
        "set",
        "loyalty_tiers",
        "Gold=2000:1.50, Silver=500:1.25",
        "--data-dir",
        str(data_dir),
    )
    assert code == 0 and "loyalty_tiers = Silver=500:1.25, Gold=2000:1.5" in out


@pytest.mark.parametrize(
    ("key", "value", "needle"),
    [
        ("cash_rounding", "abc", "not an amount"),
        ("discount_limit", "101", "from 0 to 100"),
        ("drawer_tenders", "Gold bars", "not a tender of this store"),
        ("tax_rate", "A-20", "CODE:NAME:PERCENT"),
        ("idle_lock", "5", "from 30 to 86400"),
        ("receipt_logo", "missing.png", "receipt_logo"),
        ("colour", "red", "invalid choice"),
        ("loyalty_group_rates", "Coffee:2", "GROUP=MULTIPLIER"),
        ("loyalty_group_rates", "Coffee=0.5.1", "not a multiplier"),
        ("loyalty_tiers", "Gold=2000", "NAME=POINTS:MULTIPLIER"),
        ("loyalty_tiers", "Gold=2000:0.5", "not a tier multiplier"),
        ("loyalty_tiers", "Gold=0:1.5", "not a threshold"),
        ("loyalty_tiers", "Silver=500:1.25, Gold=500:1.5", "own threshold"),
    ],
)
def test_store_set_refuses_bad_values_with_one_clear_line(run, data_dir, key, value, needle):
    assert run("--data-dir", str(data_dir), "init", "--store-name", "S", "--country", "DE")[0] == 0
    code, out, err = run("--data-dir", str(data_dir), "store", "set", key, value)
    assert code == 2 and out == ""
    assert needle in err and len(err.strip().splitlines()) == 1, err


def test_users_list_takes_data_dir_after_the_subcommand(run, data_dir):
    run("--data-dir", str(data_dir), "init", "--store-name", "S", "--country", "GB",
        "--admin-name", "Ann", "--admin-pin", "246810")  # fmt: skip
    code, out, err = run("users", "list", "--data-dir", str(data_dir))
    assert code == 0 and "Ann" in out, err


def test_hoist_leaves_arguments_after_double_dash_alone():
    assert hoist_data_dir(["a", "--data-dir", "X", "b"]) == ["--data-dir", "X", "a", "b"]
    assert hoist_data_dir(["a", "--data-dir=X"]) == ["--data-dir=X", "a"]
    assert hoist_data_dir(["a", "--", "--data-dir", "X"]) == ["a", "--", "--data-dir", "X"]
