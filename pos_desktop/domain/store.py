"""Store-wide settings the business rules depend on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StoreSettings:
    """The store this till sells for. One row in the local db.

    ``tax_id`` (VAT number, sales-tax id) prints in the receipt header under the address;
    ``country`` is the ISO 3166 code the setup presets came from; ``language`` the till's
    language code; ``receipt_logo`` a PNG/JPEG (relative paths: the data dir); ``timezone``
    the zone X/Z reports show their times in.
    """

    name: str
    currency: str
    prices_include_tax: bool
    address: str = ""
    receipt_header: str = ""
    receipt_footer: str = "Thank you!"
    terminal_id: str = "T01"
    locale: str = "en_GB"
    barcode_region: str = "SE"
    tax_id: str = ""
    country: str = ""
    language: str = "en"
    receipt_logo: str = ""
    timezone: str = ""  # IANA name (Europe/Berlin); empty: the till's own zone
    receipt_qr: bool = True  # the digital receipt's QR code (printed only with a cloud)
