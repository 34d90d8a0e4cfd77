"""A purchase order as an A4 PDF to send to the supplier (ReportLab, like the X/Z report).

The caller formats every figure (quantities, amounts with their currency), so this module
only lays text out: it knows nothing of the cloud's models.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from .a4 import INK, RULE, a4_document, build_numbered, fonts, para


@dataclass(frozen=True, slots=True)
class OrderLineText:
    sku: str
    name: str
    quantity: str
    unit_cost: str = ""  # "" when the order names no cost
    line_total: str = ""


@dataclass(frozen=True, slots=True)
class PurchaseOrderText:
    title: str  # "Purchase order 12"
    store_name: str
    supplier_name: str
    supplier_email: str = ""
    header: list[str] = field(default_factory=list)  # dates, currency, delivery address
    lines: list[OrderLineText] = field(default_factory=list)
    total: str = ""  # "" when no line has a cost
    footer: list[str] = field(default_factory=list)


def _lines_table(order: PurchaseOrderText, width: float) -> Table:
    regular, bold = fonts()
    rows: list[list[Any]] = [["SKU", "Product", "Quantity", "Unit cost", "Total"]]
    cell = _cell_style(regular)
    rows += [  # a long product name wraps in its cell
        [ln.sku, Paragraph(escape(ln.name), cell), ln.quantity, ln.unit_cost, ln.line_total]
        for ln in order.lines
    ]
    if order.total:
        rows.append(["", "Total", "", "", order.total])
    widths = [28 * mm, width - 28 * mm - 3 * 26 * mm, 26 * mm, 26 * mm, 26 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), regular, 9.5),
        ("FONT", (0, 0), (-1, 0), bold, 9),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
    ]
    if order.total:
        style += [
            ("FONT", (0, -1), (-1, -1), bold, 9.5),
            ("LINEABOVE", (0, -1), (-1, -1), 0.6, RULE),
        ]
    table.setStyle(TableStyle(style))
    return table


def _cell_style(font: str) -> ParagraphStyle:
    return ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=11.5, textColor=INK)


def purchase_order_pdf_bytes(order: PurchaseOrderText) -> bytes:
    """``order`` as the bytes of an A4 PDF."""
    regular, bold = fonts()
    buffer = io.BytesIO()
    doc = a4_document(buffer, title=order.title, author=order.store_name)
    story: list[Any] = [para(order.store_name, bold, 14, textColor=INK), Spacer(1, 4 * mm)]
    story += [para(order.title, bold, 18, textColor=INK), Spacer(1, 3 * mm)]
    story.append(para(f"To: {order.supplier_name}", bold, 11, textColor=INK))
    if order.supplier_email:
        story.append(para(order.supplier_email, regular, 9.5, textColor=INK))
    story.append(Spacer(1, 2 * mm))
    story += [para(line, regular, 9.5, textColor=INK) for line in order.header]
    story += [Spacer(1, 5 * mm), _lines_table(order, doc.width), Spacer(1, 5 * mm)]
    story += [para(line, regular, 8, textColor=colors.grey) for line in order.footer]

    build_numbered(doc, story, order.title)
    return buffer.getvalue()
