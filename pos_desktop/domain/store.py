"""Store-wide settings the business rules depend on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StoreSettings:
    """The store this till sells for. One row in the local db."""

    name: str
    currency: str
    prices_include_tax: bool
    address: str = ""
    receipt_header: str = ""
    receipt_footer: str = "Thank you!"
    terminal_id: str = "T01"
    locale: str = "en_GB"
    barcode_region: str = "SE"
