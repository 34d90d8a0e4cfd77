"""First-run set-up of a till database: store settings, tax rates, the receipt counter."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from peewee import SqliteDatabase

from pos_desktop.domain.countries import preset_for
from pos_desktop.domain.money import validate_currency
from pos_desktop.domain.payment import CheckoutSettings
from pos_desktop.domain.store import StoreSettings
from pos_desktop.domain.tax import TaxRate
from pos_desktop.storage.catalog_repo import upsert_tax_rates
from pos_desktop.storage.checkout_settings_repo import save_checkout_settings
from pos_desktop.storage.settings_repo import load_settings, save_settings

from .i18n import _

DEMO_STORE = StoreSettings(
    name="Corner Market (demo)",
    address="1 High Street\nSpringfield",
    currency="EUR",
    prices_include_tax=True,
    receipt_header="",
    tax_id="DEMO-123456",
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
        raise ValueError(_("The store needs a name."))
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


@dataclass(frozen=True, slots=True)
class SetupAnswers:
    """What the first-run setup (wizard or ``pos-admin init``) asks for."""

    name: str
    country: str
    currency: str = ""  # empty: the country's currency
    address: str = ""
    tax_id: str = ""
    receipt_header: str = ""
    receipt_footer: str = "Thank you!"
    language: str = "en"
    terminal_id: str = "T01"


def settings_for(
    answers: SetupAnswers,
) -> tuple[StoreSettings, CheckoutSettings, tuple[TaxRate, ...]]:
    """The store, checkout settings and tax rates the answers and the country preset give.

    Raises:
        KeyError: the country has no preset (the message lists those that do).
        ValueError: no store name, or a bad currency code.
    """
    preset = preset_for(answers.country)
    if not answers.name.strip():
        raise ValueError(_("The store needs a name."))
    currency = validate_currency(answers.currency or preset.currency)
    settings = StoreSettings(
        name=answers.name.strip(),
        currency=currency,
        prices_include_tax=preset.prices_include_tax,
        address=answers.address.strip(),
        receipt_header=answers.receipt_header.strip(),
        receipt_footer=answers.receipt_footer.strip(),
        terminal_id=answers.terminal_id,
        locale=preset.locale,
        barcode_region=preset.barcode_region,
        tax_id=answers.tax_id.strip(),
        country=preset.code,
        language=answers.language,
    )
    checkout = CheckoutSettings(cash_increment_minor=preset.cash_increment_minor)
    return settings, checkout, preset.tax_rates


def create_store(db: SqliteDatabase, answers: SetupAnswers) -> StoreSettings:
    """Create the store from the setup answers: settings, tax rates, cash rounding, together."""
    settings, checkout, rates = settings_for(answers)
    with db.atomic():
        init_store(db, settings, rates)
        save_checkout_settings(db, checkout)
    return settings
