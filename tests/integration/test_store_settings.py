"""Store setup from country presets, store settings by key, and the receipt header."""

from decimal import Decimal

import pytest

from pos_desktop.domain.countries import PRESETS, preset_for
from pos_desktop.services.receipts import ReceiptBuilder
from pos_desktop.services.store_admin import (
    StoreSettingError,
    load_state,
    set_values,
    shown_values,
)
from pos_desktop.services.store_setup import SetupAnswers, create_store
from pos_desktop.storage.checkout_settings_repo import load_checkout_settings
from pos_desktop.storage.db import open_database


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "till.sqlite3")
    yield database
    database.close()


def test_presets_cover_the_countries_asked_for():
    assert {"DE", "FR", "AT", "NL", "GB", "US", "CH"} <= set(PRESETS)
    assert preset_for("us").prices_include_tax is False
    assert preset_for("CH").cash_increment_minor == 5 and preset_for("CH").currency == "CHF"
    for code in ("DE", "FR", "AT", "NL", "GB"):
        assert preset_for(code).prices_include_tax is True
    with pytest.raises(KeyError, match="presets exist for"):
        preset_for("XX")


def test_create_store_applies_the_country_preset(db):
    create_store(db, SetupAnswers(name="Käserei", country="CH", tax_id="CHE-123.456.789"))
    state = load_state(db)
    assert state.settings.currency == "CHF" and state.settings.country == "CH"
    assert state.checkout.cash_increment_minor == 5
    assert [r.code for r in state.tax_rates] == ["A", "B", "C"]
    assert state.tax_rates[0].percent == Decimal("8.1")


def test_us_store_adds_sales_tax(db):
    create_store(db, SetupAnswers(name="Deli", country="US"))
    assert load_state(db).settings.prices_include_tax is False


def test_set_values_checks_every_value_before_writing(db):
    create_store(db, SetupAnswers(name="Shop", country="DE"))
    set_values(
        db,
        {
            "address": "Hauptstr. 1\\n10115 Berlin",
            "tax_id": "DE123456789",
            "cash_rounding": "0.05",
            "discount_limit": "15",
            "tenders": "Mobile wallet, Cheque",
            "drawer_tenders": "Cheque",
            "tax_rate": "C:Zero:0",
        },
    )
    state = load_state(db)
    assert state.settings.address == "Hauptstr. 1\n10115 Berlin"
    assert load_checkout_settings(db).cash_increment_minor == 5
    shown = shown_values(state)
    assert shown["discount_limit"] == "15" and shown["drawer_tenders"] == "Cheque"
    assert shown["cash_rounding"] == "0.05" and "C:Zero:0" in shown["tax_rate"]
    with pytest.raises(StoreSettingError, match="not a tender of this store"):
        set_values(db, {"name": "Renamed", "drawer_tenders": "BNPL"})
    assert load_state(db).settings.name == "Shop"  # nothing half-written
    with pytest.raises(StoreSettingError, match="no store setting 'colour'"):
        set_values(db, {"colour": "red"})
    with pytest.raises(StoreSettingError, match="not a step"):
        set_values(db, {"cash_rounding": "0.003"})
    with pytest.raises(StoreSettingError, match="from 0 to 100"):
        set_values(db, {"discount_limit": "150"})


def test_receipt_header_carries_address_and_tax_id(db):
    settings = create_store(
        db,
        SetupAnswers(
            name="Shop", country="DE", address="Hauptstr. 1\n10115 Berlin", tax_id="DE123456789"
        ),
    )
    lines = [b.text for b in ReceiptBuilder(settings)._store_lines()]
    assert lines == ["Hauptstr. 1", "10115 Berlin", "USt-IdNr. DE123456789"]


def test_the_loyalty_rule_is_a_store_setting(db):
    create_store(db, SetupAnswers(name="Shop", country="DE"))
    set_values(db, {"loyalty_points": "2", "loyalty_point_value": "0.05"})
    checkout = load_checkout_settings(db)
    assert (checkout.loyalty_points_per_unit, checkout.loyalty_point_value_minor) == (2, 5)
    shown = shown_values(load_state(db))
    assert (shown["loyalty_points"], shown["loyalty_point_value"]) == ("2", "0.05")
    with pytest.raises(StoreSettingError, match="whole number"):
        set_values(db, {"loyalty_points": "-1"})
    with pytest.raises(StoreSettingError, match="worth something"):
        set_values(db, {"loyalty_point_value": "0"})
    assert load_checkout_settings(db).loyalty_points_per_unit == 2  # nothing half-written
    set_values(db, {"gift_card_offline_limit": "20.00"})
    assert load_checkout_settings(db).gift_card_offline_limit_minor == 2000
    with pytest.raises(StoreSettingError, match="an amount such as 20.00"):
        set_values(db, {"gift_card_offline_limit": "lots"})
    set_values(db, {"gift_card_offline_till_limit": "150.00"})
    assert load_checkout_settings(db).gift_card_offline_till_limit_minor == 15000
    assert shown_values(load_state(db))["gift_card_offline_till_limit"] == "150.00"
    with pytest.raises(StoreSettingError, match="an amount such as 20.00"):
        set_values(db, {"gift_card_offline_till_limit": "-5"})


def test_timezone_is_checked_against_zoneinfo(db):
    create_store(db, SetupAnswers(name="Shop", country="DE"))
    assert shown_values(load_state(db))["timezone"] == "local"  # default: the till's own zone
    set_values(db, {"timezone": "Europe/Berlin"})
    assert load_state(db).settings.timezone == "Europe/Berlin"
    for bad in ("Europe/Atlantis", "../etc/passwd", "CET+1"):
        with pytest.raises(StoreSettingError, match="timezone: .* is not a time zone"):
            set_values(db, {"timezone": bad, "name": "Changed"})
    assert load_state(db).settings.name == "Shop"  # nothing half-written
    set_values(db, {"timezone": "local"})
    assert load_state(db).settings.timezone == ""


def test_loyalty_group_rates_are_a_checked_store_setting(db):
    create_store(db, SetupAnswers(name="Shop", country="DE"))
    set_values(db, {"loyalty_group_rates": "Coffee=2, Tobacco = 0, Tea=1.5"})
    rates = load_checkout_settings(db).loyalty_group_rates
    assert rates == (("Coffee", Decimal(2)), ("Tobacco", Decimal(0)), ("Tea", Decimal("1.5")))
    assert shown_values(load_state(db))["loyalty_group_rates"] == "Coffee=2, Tobacco=0, Tea=1.5"
    for bad, says in [
        ("Coffee", "GROUP=MULTIPLIER"),
        ("Coffee=lots", "not a multiplier"),
        ("Coffee=-1", "not a multiplier"),
        ("Coffee=2, coffee=3", "named twice"),
    ]:
        with pytest.raises(StoreSettingError, match=f"loyalty_group_rates: .*{says}"):
            set_values(db, {"loyalty_group_rates": bad})
    assert load_checkout_settings(db).loyalty_group_rates == rates  # nothing half-written
    set_values(db, {"loyalty_group_rates": ""})
    assert load_checkout_settings(db).loyalty_group_rates == ()


def test_loyalty_tiers_are_a_checked_store_setting(db):
    create_store(db, SetupAnswers(name="Shop", country="DE"))
    set_values(db, {"loyalty_tiers": "Gold=2000:1.5, Silver = 500 : 1.25"})
    tiers = load_checkout_settings(db).loyalty_tiers
    assert tiers == (("Silver", 500, Decimal("1.25")), ("Gold", 2000, Decimal("1.5")))
    assert shown_values(load_state(db))["loyalty_tiers"] == "Silver=500:1.25, Gold=2000:1.5"
    for bad, says in [
        ("Gold", "NAME=POINTS:MULTIPLIER"),
        ("Gold=2000:11", "not a tier multiplier"),
        ("Gold=2000:1.333", "not a tier multiplier"),
        ("Gold=-5:1.5", "not a threshold"),
        ("Gold=2000:1.5, GOLD=3000:2", "named twice"),
    ]:
        with pytest.raises(StoreSettingError, match=f"loyalty_tiers: .*{says}"):
            set_values(db, {"loyalty_tiers": bad})
    assert load_checkout_settings(db).loyalty_tiers == tiers  # nothing half-written
    set_values(db, {"loyalty_tiers": ""})
    assert load_checkout_settings(db).loyalty_tiers == ()
