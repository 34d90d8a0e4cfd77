"""What the cart needs to know about a product (a read model, not the db row)."""

from __future__ import annotations

from dataclasses import dataclass

from .tax import TaxRate


@dataclass(frozen=True, slots=True)
class CatalogItem:
    """A sellable product as priced at the till.

    ``unit_price_minor`` is per piece, or per kilogram when ``sold_by_weight``.
    """

    product_id: str
    sku: str
    name: str
    unit_price_minor: int
    currency: str
    tax_rate: TaxRate
    gtin: str | None = None
    sold_by_weight: bool = False
