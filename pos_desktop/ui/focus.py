"""Give the keyboard back to the till window when a modal dialog closes.

Window managers do this; a kiosk X session without one (and some Wayland set-ups) leaves no
active window, and then the F-key shortcuts stop working until someone clicks the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

_HIDE = QEvent.Type.Hide


class DialogFocusKeeper(QObject):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window

    def install(self, app: QApplication) -> DialogFocusKeeper:
        app.installEventFilter(self)
        return self

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == _HIDE and isinstance(watched, QDialog | QMessageBox):
            QTimer.singleShot(0, self._reactivate)
        return False

    def _reactivate(self) -> None:
        if QApplication.activeModalWidget() is None and self._window.isVisible():
            self._window.activateWindow()
