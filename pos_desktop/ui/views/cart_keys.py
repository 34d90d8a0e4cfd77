"""Cart keys on the checkout's entry field: the field keeps the keyboard (for the next scan or
typed code), yet Up/Down/Page Up/Page Down move the selected cart line and Del (with nothing
typed) removes it. A QLineEdit would otherwise take Del for itself and ignore the arrows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLineEdit, QTableView

_MOVES = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}
_PAGES = {Qt.Key.Key_PageUp: -1, Qt.Key.Key_PageDown: 1}


class CartKeys(QObject):
    def __init__(self, entry: QLineEdit, table: QTableView, remove: Callable[[], None]) -> None:
        super().__init__(entry)
        self._entry, self._table, self._remove = entry, table, remove
        entry.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (
            event.type() != QEvent.Type.KeyPress
            or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            return False
        key = event.key()
        if key in _MOVES:
            self.move_selection(_MOVES[key])
            return True
        if key in _PAGES:
            self.move_selection(_PAGES[key] * self._page_rows())
            return True
        if key == Qt.Key.Key_Delete and not self._entry.text():
            self._remove()
            return True
        return False

    def move_selection(self, by: int) -> None:
        """Select the line ``by`` rows away (kept inside the cart) and show it."""
        rows = self._table.model().rowCount()
        if not rows:
            return
        selected = self._table.selectionModel().selectedRows()
        current = selected[0].row() if selected else rows - 1
        row = max(0, min(rows - 1, current + by))
        self._table.selectRow(row)
        self._table.scrollTo(self._table.model().index(row, 0))

    def _page_rows(self) -> int:
        height = self._table.verticalHeader().defaultSectionSize() or 1
        return max(1, self._table.viewport().height() // height - 1)
