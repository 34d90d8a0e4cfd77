"""A touch number pad for amounts: digits, the decimal point and Backspace type into a field.

The field keeps the keyboard (the pad's buttons never take the focus), so a cashier can mix
tapping and typing; a tap replaces a selected amount as a typed digit would.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QWidget

BACKSPACE = "\u232b"
KEYS = ("7", "8", "9", "4", "5", "6", "1", "2", "3", "0", ".", BACKSPACE)


class NumberPad(QWidget):
    def __init__(self, entry: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        for i, key in enumerate(KEYS):
            button = QPushButton(key)
            button.setMinimumSize(64, 52)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setAccessibleName("Backspace" if key == BACKSPACE else key)
            if key == BACKSPACE:
                button.clicked.connect(entry.backspace)
            else:
                button.clicked.connect(lambda _=False, k=key: entry.insert(k))
            grid.addWidget(button, i // 3, i % 3)
            self.buttons[key] = button
