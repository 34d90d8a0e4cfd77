"""Give the keyboard back to the till window when a modal dialog or a menu closes.

Window managers do this; a kiosk X session without one (and some Wayland set-ups) leaves no
active window, and then the F-key shortcuts stop working until someone clicks the screen.
A menu closed with Esc leaves the menu bar holding the keyboard (typed keys vanish until a
second Esc): the keys go back to the window's home field (``window.focus_home()``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QMenuBar, QMessageBox, QWidget

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
        elif event.type() == _HIDE and isinstance(watched, QMenu):
            QTimer.singleShot(0, self._leave_menu_bar)
        return False

    def _leave_menu_bar(self) -> None:
        if QApplication.activePopupWidget() is not None or QApplication.activeModalWidget():
            return  # another menu opened, or the menu's action opened a dialog
        if isinstance(QApplication.focusWidget(), QMenuBar) and hasattr(self._window, "focus_home"):
            self._window.focus_home()  # the bar leaves its keyboard mode when it loses focus

    def _reactivate(self) -> None:
        if QApplication.activeModalWidget() is None and self._window.isVisible():
            self._window.activateWindow()
