"""Shelf labels: name, price, price per kg or litre, and the barcode, on the receipt printer
(ESC/POS, one label per cut) or as an A4 sheet of 3 x 8 labels (PDF) for an office printer.

Which products: given SKUs, everything whose row changed since a date (a price change touches
the row), or the whole catalogue. The price per kg/l comes from the weight or volume in the
product's name ("Butter 250g", "Olive oil 500ml", "Red wine 75cl"): the catalogue has no separate
content field yet, and a name without one gets no unit price rather than a wrong one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from peewee import SqliteDatabase

from hardware.receipt import Barcode, Cut, Feed, PrintBlock, PrintJob, TextLine
from pos_desktop.domain.errors import N_, DomainError
from pos_desktop.domain.money import Money
from pos_desktop.domain.store import StoreSettings
from pos_desktop.storage.catalog_repo import label_rows

from .formatting import money_text
from .timezones import zone_for

_CONTENT = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?)\s*(kg|g|ml|cl|l)\b", re.IGNORECASE)
_TO_BASE = {"kg": (Decimal(1), "kg"), "g": (Decimal("0.001"), "kg"), "l": (Decimal(1), "l"),
            "cl": (Decimal("0.01"), "l"), "ml": (Decimal("0.001"), "l")}  # fmt: skip
MAX_LABELS = 10_000  # one PDF or print run; more is a mistake in the selection


@dataclass(frozen=True, slots=True)
class ShelfLabel:
    name: str
    sku: str
    price: str  # with the currency symbol
    unit_price: str | None  # "€5.16 / kg"
    barcode: str | None  # EAN-13 as on the product, when it has one
    sold_by_weight: bool


def unit_price(name: str, price_minor: int, currency: str) -> tuple[Money, str] | None:
    """The price per kg or litre from the content in ``name``, or None when it has none."""
    match = _CONTENT.search(name)
    if match is None:
        return None
    amount = Decimal(match.group(1).replace(",", "."))
    factor, unit = _TO_BASE[match.group(2).lower()]
    content = amount * factor
    if content <= 0:
        return None
    per_unit = (Decimal(price_minor) / content).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return Money(int(per_unit), currency), unit


class ShelfLabelService:
    def __init__(self, db: SqliteDatabase, settings: StoreSettings) -> None:
        self._db = db
        self._settings = settings

    def labels(
        self,
        *,
        skus: list[str] | None = None,
        changed_since: date | None = None,
        everything: bool = False,
    ) -> list[ShelfLabel]:
        """The labels for the chosen products (active ones only), by name.

        Raises:
            DomainError: nothing chosen, an unknown SKU, or more than ``MAX_LABELS``.
        """
        if not (skus or changed_since is not None or everything):
            raise DomainError(N_("Choose products for the labels: SKUs, a date, or all."))
        since = None
        if not skus and changed_since is not None:
            zone = zone_for(self._settings.timezone)  # the store's day, not the PC's
            since = datetime.combine(changed_since, time.min, zone)
        rows = label_rows(self._db, skus=skus, changed_since=since, limit=MAX_LABELS + 1)
        if skus:
            missing = set(skus) - {row[0] for row in rows}
            if missing:
                raise DomainError(
                    N_("No active product has SKU {skus}."), skus=", ".join(sorted(missing))
                )
        if len(rows) > MAX_LABELS:
            raise DomainError(
                N_("That is more than {MAX_LABELS:,} labels; choose fewer products."),
                MAX_LABELS=MAX_LABELS,
            )
        return [self._label(*row) for row in rows]

    def _label(self, sku, name, price_minor, by_weight, gtin) -> ShelfLabel:
        currency, locale = self._settings.currency, self._settings.locale
        price = money_text(Money(price_minor, currency), locale, symbol=True)
        per = None
        if by_weight:
            price += " / kg"
        elif (found := unit_price(name, price_minor, currency)) is not None:
            per = f"{money_text(found[0], locale, symbol=True)} / {found[1]}"
        ean = gtin[1:] if gtin and gtin.startswith("0") and gtin[1:].isdigit() else None
        return ShelfLabel(name, sku, price, per, ean, bool(by_weight))

    def print_job(self, labels: list[ShelfLabel], columns: int) -> PrintJob:
        """Receipt-printer labels: one per cut, the price in double size, the barcode below."""
        blocks: list[PrintBlock] = []
        for label in labels:
            blocks += [
                TextLine(label.name[:columns], bold=True),
                TextLine(label.price, align="right", double=True),
            ]
            if label.unit_price:
                blocks.append(TextLine(label.unit_price, align="right"))
            if label.barcode and not label.sold_by_weight:
                blocks.append(Barcode(label.barcode, "EAN13"))
            else:
                blocks.append(TextLine(f"SKU {label.sku}"))
            blocks += [Feed(2), Cut()]
        return PrintJob(tuple(blocks), columns=columns)

    def write_pdf(self, labels: list[ShelfLabel], path: Path) -> Path:
        """An A4 sheet of 3 x 8 labels (70 x 37 mm) per page."""
        from .shelf_labels_pdf import write_label_sheet

        return write_label_sheet(labels, path, store=self._settings.name)
