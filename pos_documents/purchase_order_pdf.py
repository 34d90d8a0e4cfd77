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
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pos_documents.report_pdf import INK, RULE, _fonts, _para


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
    regular, bold = _fonts()
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
    regular, bold = _fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=order.title,
        author=order.store_name or "Countertop POS",
    )
    story: list[Any] = [_para(order.store_name, bold, 14, textColor=INK), Spacer(1, 4 * mm)]
    story += [_para(order.title, bold, 18, textColor=INK), Spacer(1, 3 * mm)]
    story.append(_para(f"To: {order.supplier_name}", bold, 11, textColor=INK))
    if order.supplier_email:
        story.append(_para(order.supplier_email, regular, 9.5, textColor=INK))
    story.append(Spacer(1, 2 * mm))
    story += [_para(line, regular, 9.5, textColor=INK) for line in order.header]
    story += [Spacer(1, 5 * mm), _lines_table(order, doc.width), Spacer(1, 5 * mm)]
    story += [_para(line, regular, 8, textColor=colors.grey) for line in order.footer]

    def page_footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawRightString(A4[0] - 18 * mm, 9 * mm, f"{order.title} - page {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=page_footer, onLaterPages=page_footer)
    return buffer.getvalue()
