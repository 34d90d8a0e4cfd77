"""Every label shows its text as plain text: nothing an app, a CSV file or a cashier typed is
ever rendered as HTML.

QLabel guesses "rich text" when a string looks like HTML (``Qt.AutoText``), so an app's
reference ``<b>PAID ALREADY</b> - just press Accept`` would be drawn bold in the cashier's
dialog. The labels that show outside text set ``Qt.PlainText`` themselves; this filter makes it
the rule for every label the till creates (message boxes included), when Qt polishes it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLabel


class PlainTextLabels(QObject):
    """An application event filter: each QLabel becomes plain text when it is polished."""

    def install(self, app: QApplication) -> PlainTextLabels:
        app.installEventFilter(self)
        return self

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Polish and isinstance(watched, QLabel):
            if watched.textFormat() != Qt.TextFormat.PlainText:
                watched.setTextFormat(Qt.TextFormat.PlainText)
        return False
