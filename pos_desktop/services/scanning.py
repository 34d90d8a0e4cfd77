"""From a scanned or typed code to a catalogue item, a quantity or a label price, and warnings.

Handles plain GTINs (with the EAN-8/UPC-E second reading), variable-measure EAN-13 weight and
price labels, GS1 element strings (weight, price, expiry) and SKUs typed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pos_desktop.domain.barcodes import looks_like_barcode, parse_scan
from pos_desktop.domain.catalog import CatalogItem
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.gs1 import GS1ElementString
from pos_desktop.domain.store import StoreSettings

from .i18n import _


@dataclass(frozen=True, slots=True)
class FoundItem:
    """``item`` is None when nothing can be added (``message`` says why)."""

    item: CatalogItem | None
    message: str
    quantity: Decimal = Decimal(1)
    price_minor: int | None = None  # a label's price: the line takes it
    warning: str | None = None
    needs_weight: CatalogItem | None = None  # sold by weight, no weight on the code
    unknown_gtin: str | None = None  # a valid barcode no product has (GTIN-14)


def _is_code(code: str) -> bool:
    return (
        looks_like_barcode(code)
        or code.startswith(("]", "(", "\x1d"))
        or (code.isdigit() and len(code) > 14)
    )


def resolve_scan(text: str, catalog, settings: StoreSettings, today: date) -> FoundItem:
    """Look the code up; never raises for bad input (the message tells the cashier)."""
    code = (text or "").strip()
    if not code:
        return FoundItem(None, _("Nothing was scanned."))
    if not _is_code(code):
        item = catalog.find_by_sku(code)
        if item is None:
            return FoundItem(
                None,
                _("'{code}' is neither a barcode nor a known SKU: scan or type again.").format(
                    code=code
                ),
            )
        return _with_quantity(item, None)
    try:
        scanned = parse_scan(code, region=settings.barcode_region, today=today)
    except DomainError as err:
        return FoundItem(None, str(err))
    if scanned.gtin14 is None:
        return FoundItem(None, _("That label has no product number (AI 01): type the SKU."))
    item = catalog.find_by_gtin(scanned.gtin14)
    alternative = getattr(scanned, "alternative_gtin14", None)
    if item is None and alternative:
        item = catalog.find_by_gtin(alternative)
    if item is None:
        return FoundItem(
            None,
            _("No product has barcode {code}: check the item or type its SKU.").format(code=code),
            unknown_gtin=scanned.gtin14,
        )
    warning = None
    if isinstance(scanned, GS1ElementString) and scanned.is_expired(today):
        warning = _("EXPIRED on {expiry}: check the item before selling it.").format(
            expiry=scanned.expiry
        )
    try:
        price = scanned.price(settings.currency) if hasattr(scanned, "price") else None
    except DomainError as err:
        return FoundItem(None, str(err))
    if price is not None:
        return FoundItem(item, "", price_minor=price.amount_minor, warning=warning)
    found = _with_quantity(item, getattr(scanned, "weight_kg", None))
    return FoundItem(found.item, found.message, found.quantity, None, warning, found.needs_weight)


def _with_quantity(item: CatalogItem, weight: Decimal | None) -> FoundItem:
    if item.sold_by_weight and weight is None:
        message = _("{name} is sold by weight: weigh it or scan its label.").format(name=item.name)
        return FoundItem(None, message, needs_weight=item)
    quantity = Decimal(weight) if item.sold_by_weight and weight is not None else Decimal(1)
    return FoundItem(item, "", quantity)
