"""A label whose text shrinks to fit its width instead of widening the window.

The big total is drawn at the stylesheet's size when it fits and smaller when it does not (a
four-digit total on a 1024 px screen), so no amount can grow the window or be cut off.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy

MIN_PIXEL_SIZE = 12


class FitLabel(QLabel):
    def __init__(self, text: str = "", parent=None) -> None:
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(80, super().minimumSizeHint().height())

    def fitted_font(self):
        """The label's font, made smaller until the text fits the width."""
        font = self.font()
        width = self.contentsRect().width()
        needed = QFontMetrics(font).horizontalAdvance(self.text())
        if needed > width > 0:
            size = font.pixelSize() if font.pixelSize() > 0 else round(font.pointSizeF() * 4 / 3)
            font.setPixelSize(max(MIN_PIXEL_SIZE, int(size * width / needed)))
        return font

    def text_fits(self) -> bool:
        """True when the (fitted) text is not wider than the label."""
        return QFontMetrics(self.fitted_font()).horizontalAdvance(self.text()) <= max(
            self.contentsRect().width(), 0
        )

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.setFont(self.fitted_font())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(
            self.contentsRect(), int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), self.text()
        )
