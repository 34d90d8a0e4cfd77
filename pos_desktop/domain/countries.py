"""Country presets for a new store: currency, tax rates, how prices are shown, cash rounding.

Presets are a starting point the owner confirms in setup and can change later in Store settings;
rates are the standard and reduced rates in force when this table was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .tax import TaxRate


@dataclass(frozen=True, slots=True)
class CountryPreset:
    """What a store in ``code`` usually starts with.

    Attributes:
        code: ISO 3166-1 alpha-2 code.
        name: the country's English name (shown in setup).
        currency: ISO 4217 code.
        locale: the locale amounts and dates are formatted in.
        prices_include_tax: shelf prices include VAT (Europe) or sales tax is added per line (US).
        tax_rates: the rates to create; codes A, B, ... as on the receipt.
        cash_increment_minor: cash totals round to this (5 = 0.05; 1 = no rounding).
        tax_id_label: what the tax id is called on a receipt.
        barcode_region: the in-store (variable-measure) barcode layout; SE when the country
            has no layout of its own in ``variable_measure``.
    """

    code: str
    name: str
    currency: str
    locale: str
    prices_include_tax: bool
    tax_rates: tuple[TaxRate, ...]
    cash_increment_minor: int = 1
    tax_id_label: str = "VAT no."
    barcode_region: str = "SE"


def _rates(*rates: tuple[str, str, str]) -> tuple[TaxRate, ...]:
    return tuple(TaxRate(code, name, Decimal(percent)) for code, name, percent in rates)


PRESETS: dict[str, CountryPreset] = {
    p.code: p
    for p in (
        CountryPreset(
            "DE",
            "Germany",
            "EUR",
            "de_DE",
            True,
            _rates(("A", "Standard", "19"), ("B", "Reduced", "7")),
            tax_id_label="USt-IdNr.",
            barcode_region="DE",
        ),
        CountryPreset(
            "FR",
            "France",
            "EUR",
            "fr_FR",
            True,
            _rates(("A", "Standard", "20"), ("B", "Intermediate", "10"), ("C", "Reduced", "5.5")),
            tax_id_label="N° TVA",
        ),
        CountryPreset(
            "AT",
            "Austria",
            "EUR",
            "de_AT",
            True,
            _rates(("A", "Standard", "20"), ("B", "Reduced", "10"), ("C", "Reduced", "13")),
            tax_id_label="UID",
            barcode_region="DE",  # in-store weight labels as in Germany
        ),
        CountryPreset(
            "NL",
            "Netherlands",
            "EUR",
            "nl_NL",
            True,
            _rates(("A", "Standard", "21"), ("B", "Reduced", "9")),
            cash_increment_minor=5,  # Dutch shops round cash totals to 5 cents
            tax_id_label="btw-nr.",
        ),
        CountryPreset(
            "GB",
            "United Kingdom",
            "GBP",
            "en_GB",
            True,
            _rates(("A", "Standard", "20"), ("B", "Reduced", "5"), ("Z", "Zero", "0")),
            tax_id_label="VAT no.",
            barcode_region="GB",
        ),
        CountryPreset(
            "US",
            "United States",
            "USD",
            "en_US",
            False,  # shelf prices exclude sales tax; it is added per line at the till
            _rates(("A", "Sales tax", "8.875"), ("N", "Non-taxable", "0")),
            tax_id_label="Tax ID",
        ),
        CountryPreset(
            "CH",
            "Switzerland",
            "CHF",
            "de_CH",
            True,
            _rates(("A", "Standard", "8.1"), ("B", "Reduced", "2.6"), ("C", "Lodging", "3.8")),
            cash_increment_minor=5,  # no 1 and 2 centime coins: cash rounds to 0.05
            tax_id_label="MWST-Nr.",
            barcode_region="DE",  # in-store weight labels as in Germany
        ),
    )
}

LANGUAGES = {"en": "English", "de": "Deutsch", "fr": "Français"}  # resources/locale


def preset_for(code: str) -> CountryPreset:
    """The preset for an ISO country code (any case).

    Raises:
        KeyError: naming the countries that have presets.
    """
    try:
        return PRESETS[code.strip().upper()]
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise KeyError(f"No preset for country {code!r}; presets exist for {known}.") from None
