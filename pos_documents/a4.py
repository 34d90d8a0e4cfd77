"""What every A4 document of ours shares: fonts, colours, a paragraph, the page and its footer.

The X/Z report, the digital receipt and the purchase order are laid out differently, but they are
one kind of page: ReportLab's SimpleDocTemplate on A4 with the same margins, DejaVu Sans when
the system has it (the euro sign and umlauts), and "title - page N" at the foot of every page.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate

INK = colors.HexColor("#102a43")
RULE = colors.HexColor("#bcccdc")


@lru_cache(maxsize=1)
def fonts() -> tuple[str, str]:
    """(regular, bold) font names: DejaVu Sans when installed, else the built-in Helvetica."""
    try:
        pdfmetrics.registerFont(TTFont("DejaVuSans", "DejaVuSans.ttf"))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", "DejaVuSans-Bold.ttf"))
    except (TTFError, OSError):
        return "Helvetica", "Helvetica-Bold"
    return "DejaVuSans", "DejaVuSans-Bold"


def para(text: str, font: str, size: float, **kw: Any) -> Paragraph:
    """A paragraph of plain text: markup in external text (store, cashier names) is escaped."""
    style = ParagraphStyle("p", fontName=font, fontSize=size, leading=size * 1.25, **kw)
    return Paragraph(escape(text), style)


def a4_document(target: Any, *, title: str, author: str) -> SimpleDocTemplate:
    """An A4 page with our margins, writing to ``target`` (a path or a binary file)."""
    return SimpleDocTemplate(
        target,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author=author or "Countertop POS",
    )


def build_numbered(doc: SimpleDocTemplate, story: list[Any], title: str) -> None:
    """Lay out ``story`` with "title - page N" at the foot of every page."""
    regular, _bold = fonts()

    def page_footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawRightString(A4[0] - 18 * mm, 9 * mm, f"{title} - page {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=page_footer, onLaterPages=page_footer)
