"""An X/Z report as an A4 PDF: the shared ``ReportLayout`` drawn with ReportLab.

ReportLab because it is made for exactly this: flowing tables that break across pages, and a
charting library (``reportlab.graphics``) with real axes, tick labels and value labels, in one
pure-Python package with no GUI toolkit. The CLI (``pos-admin report --pdf``) and the till's
viewer call the same :func:`write_report_pdf`, so neither needs Qt to make a PDF. (Matplotlib
would bring NumPy and a plotting stack for one bar chart; fpdf2 has no charts of its own.)

Text uses DejaVu Sans when the system has it (any store name prints), else Helvetica.
"""

from __future__ import annotations

import io
from datetime import tzinfo
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from pos_common.currencies import exponent
from pos_common.report_layout import (
    MoneyText,
    ReportLayout,
    ReportSection,
    Translate,
    build_layout,
)

from .a4 import INK, RULE, a4_document, build_numbered, fonts, para

BAR = colors.HexColor("#3b6ea8")
ALERT = colors.HexColor("#b42318")


def _section_table(section: ReportSection, width: float) -> Table:
    regular, bold = fonts()
    value_width = 32 * mm
    label_width = width - value_width * len(section.columns)
    rows: list[list[str]] = [[section.title, *section.columns]]
    rows += [[row.label, *row.values] for row in section.rows]
    style = [
        ("FONT", (0, 0), (-1, -1), regular, 9.5),
        ("FONT", (0, 0), (0, 0), bold, 11),
        ("FONT", (1, 0), (-1, 0), bold, 8.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
    ]
    for i, row in enumerate(section.rows, start=1):
        if row.highlight:
            style += [
                ("FONT", (0, i), (-1, i), bold, 9.5),
                ("TEXTCOLOR", (0, i), (-1, i), ALERT),
                ("BACKGROUND", (0, i), (-1, i), colors.HexColor("#fde8e7")),
            ]
    table = Table(rows, colWidths=[label_width] + [value_width] * len(section.columns))
    table.setStyle(TableStyle(style))
    return table


def _chart(layout: ReportLayout, width: float) -> Drawing:
    """Bars per hour with a value axis in the currency and each bar's amount above it."""
    regular, bold = fonts()
    height = 62 * mm
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, layout.chart_title, fontName=bold, fontSize=11))
    if not layout.hourly:
        drawing.add(String(0, height / 2, "No sales in this period", fontName=regular, fontSize=10))
        return drawing
    bars = layout.hourly
    chart = VerticalBarChart()
    chart.x, chart.y = 18 * mm, 12 * mm
    chart.width, chart.height = width - 22 * mm, height - 32 * mm
    # Plotted in major units (geometry only: every figure printed comes from the layout's text).
    scale = 10 ** exponent(layout.currency)
    chart.data = [[b.amount_minor / scale for b in bars]]
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.categoryAxis.categoryNames = [bar.label for bar in bars]
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.rangeRound = "ceiling"  # the axis ends on a tick above the tallest bar
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    chart.barLabelFormat = "values"  # each bar's label is its formatted amount
    chart.barLabels.fontName = regular
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    chart.barLabelArray = [[bar.amount_text for bar in bars]]
    drawing.add(chart)
    axis = f"Hour starting ({layout.zone_label})"
    drawing.add(String(chart.x, 0, axis, fontName=regular, fontSize=8))
    drawing.add(String(0, height - 24, layout.currency, fontName=regular, fontSize=8))
    return drawing


def render_layout_pdf(layout: ReportLayout, path: Path | str) -> None:
    """Write ``layout`` as an A4 PDF at ``path`` (written to a temporary file, then renamed)."""
    target = Path(path)
    tmp = target.with_name(target.name + ".part")
    try:
        _build(layout, str(tmp))
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def layout_pdf_bytes(layout: ReportLayout) -> bytes:
    """``layout`` as the bytes of an A4 PDF (for a download)."""
    buffer = io.BytesIO()
    _build(layout, buffer)
    return buffer.getvalue()


def _build(layout: ReportLayout, target: Any) -> None:
    regular, bold = fonts()
    doc = a4_document(target, title=layout.title, author=layout.store_name)
    width = doc.width
    story: list[Any] = []
    if layout.store_name:
        story.append(para(layout.store_name, bold, 14, textColor=INK))
    story += [para(line, regular, 9.5, textColor=INK) for line in layout.store_address]
    story += [Spacer(1, 4 * mm), para(layout.title, bold, 18, textColor=INK), Spacer(1, 2 * mm)]
    story += [para(line, regular, 9.5, textColor=INK) for line in layout.header]
    story.append(Spacer(1, 5 * mm))
    for section in layout.sections:
        story += [KeepTogether(_section_table(section, width)), Spacer(1, 2.5 * mm)]
    story += [KeepTogether(_chart(layout, width)), Spacer(1, 4 * mm)]
    story += [para(line, regular, 8, textColor=colors.grey) for line in layout.footer]

    build_numbered(doc, story, layout.title)


def write_report_pdf(
    data: dict[str, Any],
    path: Path | str,
    money: MoneyText,
    *,
    store_name: str = "",
    store_address: str = "",
    store_timezone: str = "",
    tz: tzinfo | None = None,
    translate: Translate | None = None,
) -> None:
    """Write the report body ``data`` (a ``ShiftReport.data``) as a PDF at ``path``.

    Args:
        data: the X or Z report's JSON body.
        path: where to write; an existing file is replaced only when the PDF is complete.
        money: formats an amount for people (see :func:`pos_common.report_layout.build_layout`).
        store_name: store shown when the report does not carry it.
        store_address: likewise.
        store_timezone: likewise.
        tz: a time zone that overrides the report's (default: the report's, else the machine's).
        translate: the till's gettext for the store's language (default: English).
    """
    layout = build_layout(
        data,
        money,
        store_name=store_name,
        store_address=store_address,
        store_timezone=store_timezone,
        tz=tz,
        **({"translate": translate} if translate is not None else {}),
    )
    render_layout_pdf(layout, path)
