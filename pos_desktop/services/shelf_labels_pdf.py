"""Shelf labels as A4 sheets of 3 x 8 labels (70 x 37 mm, the common adhesive sheet layout)."""

from __future__ import annotations

from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from pos_documents.a4 import fonts

COLUMNS, ROWS = 3, 8
LABEL_W, LABEL_H = 70 * mm, 37 * mm


def write_label_sheet(labels, path: Path, *, store: str) -> Path:
    """Write ``labels`` (services.shelf_labels.ShelfLabel) to ``path``; returns the path."""
    regular, bold = fonts()
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setTitle(f"Shelf labels - {store}")
    width, height = A4
    left = (width - COLUMNS * LABEL_W) / 2
    top = (height - ROWS * LABEL_H) / 2
    per_page = COLUMNS * ROWS
    for index, label in enumerate(labels):
        if index and index % per_page == 0:
            page.showPage()
        slot = index % per_page
        x = left + (slot % COLUMNS) * LABEL_W + 3 * mm
        y = height - top - (slot // COLUMNS + 1) * LABEL_H + 3 * mm
        page.setFont(bold, 9)
        page.drawString(x, y + 28 * mm, label.name[:40])
        page.setFont(bold, 18)
        page.drawRightString(x + LABEL_W - 6 * mm, y + 18 * mm, label.price)
        page.setFont(regular, 7)
        if label.unit_price:
            page.drawRightString(x + LABEL_W - 6 * mm, y + 14 * mm, label.unit_price)
        if label.barcode and not label.sold_by_weight:
            drawing = createBarcodeDrawing(
                "EAN13", value=label.barcode, barHeight=8 * mm, humanReadable=True, fontSize=6
            )
            renderPDF.draw(drawing, page, x, y)
        else:
            page.drawString(x, y + 2 * mm, f"SKU {label.sku}")
    page.save()
    return path
