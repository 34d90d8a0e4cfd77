"""A receipt or invoice (:class:`pos_common.receipt_layout.ReceiptLayout`) as an A4 PDF.

The same layout the web page and the e-mail show, in the paper receipt's order and its
language (the layout carries its words); drawn with ReportLab and the fonts of
:mod:`pos_documents.report_pdf`.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from pos_common.receipt_layout import ReceiptLayout, Row, party_lines

from .a4 import INK, RULE, a4_document, fonts, para


def _rows_table(rows: list[list[str]], width: float, strong: set[int], head: bool) -> Table:
    regular, bold = fonts()
    amount_w = 34 * mm
    cols = len(rows[0]) if rows else 2
    label_w = width - amount_w * (cols - 1)
    style: list[Any] = [
        ("FONT", (0, 0), (-1, -1), regular, 9.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
    ]
    if head:
        style += [("FONT", (0, 0), (-1, 0), bold, 8.5), ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE)]
    for i in strong:
        style += [("FONT", (0, i), (-1, i), bold, 11), ("LINEABOVE", (0, i), (-1, i), 0.6, RULE)]
    table = Table(rows, colWidths=[label_w] + [amount_w] * (cols - 1))
    table.setStyle(TableStyle(style))
    return table


def _pairs(rows: tuple[Row, ...]) -> tuple[list[list[str]], set[int]]:
    return [[r.label, r.amount] for r in rows], {i for i, r in enumerate(rows) if r.strong}


def receipt_pdf_bytes(layout: ReceiptLayout) -> bytes:
    """``layout`` as the bytes of an A4 PDF (title and author in its metadata)."""
    regular, bold = fonts()
    buffer = io.BytesIO()
    doc = a4_document(buffer, title=layout.title, author=layout.seller.name)
    width = doc.width
    words = layout.words
    seller = party_lines(layout.seller, words.vat_no)
    story: list[Any] = []
    if seller:
        story.append(para(seller[0], bold, 14, textColor=INK))
        story += [para(line, regular, 9.5, textColor=INK) for line in seller[1:]]
    story += [Spacer(1, 4 * mm), para(layout.title, bold, 18, textColor=INK), Spacer(1, 2 * mm)]
    if layout.buyer is not None:
        story.append(para(words.bill_to, bold, 9.5, textColor=INK))
        buyer = party_lines(layout.buyer, words.vat_no)
        story += [para(line, regular, 9.5, textColor=INK) for line in buyer]
        story.append(Spacer(1, 2 * mm))
    story += [para(f"{f.label}: {f.amount}", regular, 9.5, textColor=INK) for f in layout.facts]
    story.append(Spacer(1, 4 * mm))
    items: list[list[str]] = [[words.item, words.amount, words.tax]]
    for item in layout.items:
        items.append([item.name, item.amount, item.tax_code])
        items += [[d.label, d.amount, ""] for d in item.details]
    story += [_rows_table(items, width, set(), head=True), Spacer(1, 3 * mm)]
    rows, strong = _pairs(layout.totals)
    story += [_rows_table(rows, width, strong, head=False), Spacer(1, 3 * mm)]
    if layout.payments:
        rows, _ = _pairs(layout.payments)
        story += [_rows_table(rows, width, set(), head=False), Spacer(1, 3 * mm)]
    taxes = [[words.tax, words.rate, words.net, words.tax, words.gross]]
    taxes += [[t.code, t.rate, t.net, t.tax, t.gross] for t in layout.taxes]
    story += [_rows_table(taxes, width, set(), head=True), Spacer(1, 5 * mm)]
    story += [para(line, regular, 9, textColor=colors.grey) for line in layout.footer]
    doc.build(story)
    return buffer.getvalue()
