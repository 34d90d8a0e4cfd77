"""The product table of the stock dialogs (count, receipt, waste, transfers): rows selected
whole, never focused (the entry field keeps the keyboard), Up/Down move the chosen row."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget


def product_table(headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


def move_selection(table: QTableWidget, event) -> bool:
    """Up/Down choose the previous/next row; True when the key was one of them."""
    if event.key() not in (Qt.Key.Key_Up, Qt.Key.Key_Down) or not table.rowCount():
        return False
    step = 1 if event.key() == Qt.Key.Key_Down else -1
    table.selectRow(max(0, min(table.rowCount() - 1, table.currentRow() + step)))
    return True
