"""First-run set-up of a till database: store settings, tax rates, the receipt counter."""

from __future__ import annotations

from decimal import Decimal

from peewee import SqliteDatabase

from pos_desktop.domain.money import validate_currency
from pos_desktop.domain.store import StoreSettings
from pos_desktop.domain.tax import TaxRate
from pos_desktop.storage.catalog_repo import upsert_tax_rates
from pos_desktop.storage.settings_repo import load_settings, save_settings

DEMO_STORE = StoreSettings(
    name="Corner Market (demo)",
    address="1 High Street\nSpringfield",
    currency="EUR",
    prices_include_tax=True,
    receipt_header="VAT no. DEMO-123456",
    receipt_footer="Thank you for shopping with us!",
    terminal_id="T01",
    locale="en_IE",
    barcode_region="SE",
)
DEMO_TAX_RATES = (
    TaxRate("A", "Standard", Decimal("20")),
    TaxRate("B", "Reduced", Decimal("5.5")),
)


def init_store(
    db: SqliteDatabase, settings: StoreSettings, tax_rates: tuple[TaxRate, ...]
) -> StoreSettings:
    """Create or update the store row and its tax rates in one transaction."""
    validate_currency(settings.currency)
    if not settings.name.strip():
        raise ValueError("The store needs a name.")
    with db.atomic():
        save_settings(db, settings)
        upsert_tax_rates(db, tax_rates)
    return settings


def ensure_demo_store(db: SqliteDatabase) -> StoreSettings:
    """The existing store, or the demo store when the database has none."""
    existing = load_settings(db)
    if existing is not None:
        return existing
    return init_store(db, DEMO_STORE, DEMO_TAX_RATES)
