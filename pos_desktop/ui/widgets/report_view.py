"""An X/Z report on screen: the same :class:`ReportLayout` the printer and the PDF draw.

Header (store, address, terminal, period, currency), one block per section with the amounts
right-aligned under their column heads, a cash variance highlighted, and the hourly chart with
its axis and a value above each bar. Every text is plain (names come from outside the till).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from pos_desktop.services.report_layout import HourBar, ReportLayout, ReportSection

ALERT_STYLE = "color: #b42318; background: #fde8e7; font-weight: bold; padding: 1px 4px;"


def _label(text: str, *, bold: bool = False, size: float = 0, right: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setBold(bold)
    if size:
        font.setPointSizeF(size)
    label.setFont(font)
    if right:
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return label


class HourlyChart(QWidget):
    """Bars per hour, a value axis from zero, hour labels under and amounts above the bars."""

    def __init__(self, bars: tuple[HourBar, ...], axis_title: str, parent=None) -> None:
        super().__init__(parent)
        self.bars, self.axis_title = bars, axis_title
        self.setMinimumHeight(200)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink = self.palette().windowText().color()
        p.setPen(ink)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() - 1.5, 7))
        p.setFont(font)
        metrics = p.fontMetrics()
        line = metrics.height()
        left, right, top = 8.0, self.width() - 8.0, float(line + 4)
        bottom = self.height() - 2.0 * line - 6
        p.drawText(QRectF(left, bottom + line + 4, right - left, line), self.axis_title)
        p.drawLine(int(left), int(bottom), int(right), int(bottom))  # the hour axis
        if not self.bars:
            p.drawText(
                QRectF(left, top, right - left, bottom - top),
                Qt.AlignmentFlag.AlignCenter,
                "No sales in this period",
            )
            p.end()
            return
        highest = max(bar.amount_minor for bar in self.bars) or 1
        slot = (right - left) / len(self.bars)
        for i, bar in enumerate(self.bars):
            height = (bottom - top - line) * max(bar.amount_minor, 0) / highest
            x = left + i * slot
            p.fillRect(
                QRectF(x + slot * 0.15, bottom - height, slot * 0.7, height), QColor("#3b6ea8")
            )
            p.drawText(
                QRectF(x, bottom - height - line, slot, line),
                Qt.AlignmentFlag.AlignCenter,
                bar.amount_text,
            )
            p.drawText(QRectF(x, bottom + 2, slot, line), Qt.AlignmentFlag.AlignCenter, bar.label)
        p.end()


def _section(section: ReportSection) -> QFrame:
    frame = QFrame()
    grid = QGridLayout(frame)
    grid.setContentsMargins(0, 6, 0, 6)
    grid.setHorizontalSpacing(18)
    grid.addWidget(_label(section.title, bold=True, size=12), 0, 0)
    for col, head in enumerate(section.columns, start=1):
        grid.addWidget(_label(head, bold=True, right=True), 0, col)
    for r, row in enumerate(section.rows, start=1):
        cells = [_label(row.label, bold=row.highlight)]
        cells += [_label(v, bold=row.highlight, right=True) for v in row.values]
        for col, cell in enumerate(cells):
            if row.highlight:
                cell.setStyleSheet(ALERT_STYLE)
                cell.setProperty("highlight", True)
            grid.addWidget(cell, r, col)
    grid.setColumnStretch(0, 1)
    return frame


class ReportView(QScrollArea):
    """The whole report, scrolling; ``sections`` maps a section title to its frame (for tests)."""

    def __init__(self, layout: ReportLayout, parent=None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        page = QWidget()
        column = QVBoxLayout(page)
        if layout.store_name:
            column.addWidget(_label(layout.store_name, bold=True, size=14))
        for line in layout.store_address:
            column.addWidget(_label(line))
        column.addWidget(_label(layout.title, bold=True, size=16))
        for line in layout.header:
            column.addWidget(_label(line))
        self.sections: dict[str, QFrame] = {}
        for section in layout.sections:
            self.sections[section.title] = _section(section)
            column.addWidget(self.sections[section.title])
        column.addWidget(_label(layout.chart_title, bold=True, size=12))
        self.chart = HourlyChart(layout.hourly, f"Hour starting ({layout.zone_label})")
        column.addWidget(self.chart)
        for line in layout.footer:
            column.addWidget(_label(line))
        column.addStretch(1)
        self.setWidget(page)

    def texts(self) -> list[str]:
        """Every label's text in reading order (what a screen reader would say)."""
        return [w.text() for w in self.widget().findChildren(QLabel)]
