"""An X/Z report as an A4 PDF with an hourly-sales bar chart (QPdfWriter + QPainter).

How to wire: ``write_report_pdf(report.data, path, locale)`` from a view (a QGuiApplication must
exist). ``pos-admin report --pdf`` runs ``python -m pos_desktop.ui.report_pdf FILE`` with the
report JSON on stdin, because the CLI layer may not import Qt.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)

from pos_desktop.domain.money import Money
from pos_desktop.services.formatting import money_text

DPI = 300


def _when(utc_text: str) -> str:
    return utc_text[:16].replace("T", " ") + " UTC"


def report_lines(data: dict[str, Any], locale: str) -> list[tuple[str, str]]:
    """(label, value) rows shown in the PDF (also used by the on-screen viewer)."""

    def m(minor: int) -> str:
        return money_text(Money(minor, data["currency"]), locale)

    rows = [
        ("Terminal / shift", f"{data['terminal_id']} / {data['shift_number']}"),
        ("Opened", f"{_when(data['opened_at'])} by {data['opened_by']}"),
    ]
    if data.get("closed_at"):
        rows.append(("Closed", f"{_when(data['closed_at'])} by {data['closed_by']}"))
    rows += [
        ("Sales", str(data["sales_count"])),
        ("Receipts", f"{data['first_receipt'] or '-'} to {data['last_receipt'] or '-'}"),
        ("Gross sales", m(data["gross_sales_minor"])),
        ("Tax", m(data["tax_minor"])),
        ("Net sales", m(data["net_sales_minor"])),
        ("Refunds", f"{data['refunds']['count']}  {m(data['refunds']['amount_minor'])}"),
        ("Voids", f"{data['voids']['count']}  {m(data['voids']['amount_minor'])}"),
        *(
            (label, f"{data[key]['count']}  {m(data[key]['amount_minor'])}")
            for key, label in (
                ("voided_lines", "Voided lines"),
                ("cancelled_sales", "Cancelled sales"),
            )
            if key in data  # a Z stored before void records had no such figure
        ),
        ("Discounts / promotions", f"{m(data['discounts_minor'])} / {m(data['promotions_minor'])}"),
    ]
    rows += [
        (f"Tax {t['code']} {t['percent']}%", f"net {m(t['net_minor'])}  tax {m(t['tax_minor'])}")
        for t in data["tax_rates"]
    ]
    rows += [
        (f"Tender {t['tender']}", f"{t['count']}  {m(t['amount_minor'])}") for t in data["tenders"]
    ]
    rows += [
        ("Float", m(data["float_minor"])),
        (
            "Paid in / out",
            f"{m(data['paid_in']['amount_minor'])} / {m(data['paid_out']['amount_minor'])}",
        ),
        ("Drops", m(data["drops"]["amount_minor"])),
        ("No-sales", str(data["no_sales"])),
        ("Expected cash", m(data["expected_cash_minor"])),
    ]
    rows += [
        (
            f"{v['tender'].title()} counted ({v['outcome']})",
            f"{m(v['counted_minor'])}  diff {m(v['difference_minor'])}",
        )
        for v in data.get("variances", [])
    ]
    rows += [
        (f"Cashier {c['cashier']}", f"{c['count']}  {m(c['amount_minor'])}")
        for c in data["cashiers"]
    ]
    rows += [
        ("Grand total", m(data["grand_total_minor"])),
        ("Journal head", f"#{data['journal_head']['seq']} {data['journal_head']['hash'][:24]}"),
    ]
    return rows


def _title(data: dict[str, Any]) -> str:
    if data["kind"] == "Z":
        return f"Z report {data['z_number']}"
    return "X report (running, not a close)"


def _draw_chart(p: QPainter, area: QRectF, data: dict[str, Any]) -> None:
    hours = data["hourly"]
    p.setPen(QColor("#102a43"))
    p.drawText(area.topLeft() + _pt(0, -20), "Sales per hour (UTC)")
    p.drawRect(area)
    if not hours:
        p.drawText(area, Qt.AlignmentFlag.AlignCenter, "No sales in this shift")
        return
    top = max(h["amount_minor"] for h in hours) or 1
    slot = area.width() / len(hours)
    for i, h in enumerate(hours):
        height = (area.height() - 60) * h["amount_minor"] / top
        bar = QRectF(
            area.left() + i * slot + slot * 0.15, area.bottom() - 40 - height, slot * 0.7, height
        )
        p.fillRect(bar, QColor("#3b6ea8"))
        label = datetime.fromisoformat(h["hour"] + ":00").strftime("%H")
        p.drawText(
            QRectF(area.left() + i * slot, area.bottom() - 38, slot, 36),
            Qt.AlignmentFlag.AlignCenter,
            label,
        )


def _pt(x: float, y: float) -> QPointF:
    return QPointF(x, y)


def write_report_pdf(data: dict[str, Any], path: Path | str, locale: str = "en_GB") -> None:
    """Write the report (a ShiftReport's ``data``) as a one-page A4 PDF at ``path``."""
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setTitle(_title(data))
    p = QPainter(writer)
    try:
        paint_report(p, writer.width(), writer.height(), data, locale)
    finally:
        p.end()


def paint_report(p: QPainter, width: int, height: int, data: dict[str, Any], locale: str) -> None:
    """Draw the report on any paint device ``width`` x ``height`` pixels at ~300 dpi."""
    font = QFont("DejaVu Sans")
    font.setPixelSize(60)
    font.setBold(True)
    p.setFont(font)
    p.drawText(QRectF(0, 0, width, 90), _title(data))
    font.setPixelSize(34)
    font.setBold(False)
    p.setFont(font)
    y, step = 110.0, 40.0
    for label, value in report_lines(data, locale):
        p.drawText(QRectF(0, y, width * 0.45, step), label)
        p.drawText(QRectF(width * 0.45, y, width * 0.55, step), value)
        y += step
    _draw_chart(p, QRectF(0, y + 60, width, min(900.0, height - y - 80)), data)


def main(argv: list[str] | None = None) -> int:
    """``python -m pos_desktop.ui.report_pdf FILE [LOCALE]`` with the report JSON on stdin."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(
            "usage: python -m pos_desktop.ui.report_pdf FILE.pdf [LOCALE] < report.json",
            file=sys.stderr,
        )
        return 2
    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841
    write_report_pdf(json.load(sys.stdin), Path(args[0]), args[1] if len(args) > 1 else "en_GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
