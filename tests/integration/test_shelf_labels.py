"""Shelf labels: which products, unit prices, the ESC/POS bytes and the PDF sheet."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from hardware.escpos_parse import BarcodePrinted, parse_escpos
from hardware.printers.render import render_job
from pos_desktop.domain.errors import DomainError
from pos_desktop.services.shelf_labels import ShelfLabelService, unit_price
from pos_desktop.services.store_setup import ensure_demo_store
from pos_desktop.storage.catalog_repo import ProductRecord, upsert_products
from pos_desktop.storage.db import open_database


@pytest.fixture
def shop(tmp_path):
    db = open_database(tmp_path / "till.sqlite")
    settings = ensure_demo_store(db)
    with db.atomic():
        upsert_products(
            db,
            [
                ProductRecord("p1", "BUT", "Butter 250g", 289, "B", gtins=("04006381333931",)),
                ProductRecord("p2", "WINE", "Red wine 75cl", 899, "A"),
                ProductRecord("p3", "TOM", "Tomatoes, loose", 299, "B", sold_by_weight=True),
            ],
            datetime(2026, 11, 1, tzinfo=UTC),
        )
        upsert_products(
            db,
            [ProductRecord("p4", "NEW", "Candles x6", 299, "A")],
            datetime(2026, 12, 2, tzinfo=UTC),
        )
    yield db, ShelfLabelService(db, settings)
    db.close()


@pytest.mark.parametrize(
    ("name", "price", "expected"),
    [
        ("Butter 250g", 289, (1156, "kg")),
        ("Olive oil 500ml", 599, (1198, "l")),
        ("Red wine 75cl", 899, (1199, "l")),
        ("Sparkling water 1.5L", 69, (46, "l")),
        ("Candles x6", 299, None),
        ("Phone charger USB-C", 1299, None),
    ],
)
def test_the_unit_price_comes_from_the_content_in_the_name(name, price, expected):
    found = unit_price(name, price, "EUR")
    assert (None if found is None else (found[0].amount_minor, found[1])) == expected


def test_labels_by_sku_by_date_and_all(shop):
    _db, service = shop
    assert [label.sku for label in service.labels(skus=["BUT"])] == ["BUT"]
    assert [label.sku for label in service.labels(changed_since=date(2026, 12, 1))] == ["NEW"]
    assert len(service.labels(everything=True)) == 4
    with pytest.raises(DomainError, match="NOPE"):
        service.labels(skus=["BUT", "NOPE"])
    with pytest.raises(DomainError, match="Choose"):
        service.labels()


def test_receipt_printer_labels_read_back_through_the_escpos_parser(shop):
    _db, service = shop
    labels = service.labels(skus=["BUT", "TOM"])
    parsed = parse_escpos(render_job(service.print_job(labels, 48)))
    text = "\n".join(parsed.lines)
    assert "Butter 250g" in text and "€2.89" in text and "€11.56 / kg" in text
    assert "Tomatoes, loose" in text and "€2.99 / kg" in text and "SKU TOM" in text
    barcodes = [e for e in parsed.events if isinstance(e, BarcodePrinted)]
    assert [(b.symbology, b.data) for b in barcodes] == [("EAN13", "4006381333931")]
    assert [type(e).__name__ for e in parsed.events].count("Cut") == 2


def test_a_pdf_sheet_with_every_label(shop, tmp_path):
    _db, service = shop
    path = service.write_pdf(service.labels(everything=True), tmp_path / "labels.pdf")
    text = PdfReader(str(path)).pages[0].extract_text()
    for expected in ("Butter 250g", "€2.89", "€11.99 / l", "Candles x6", "SKU TOM"):
        assert expected in text, expected
