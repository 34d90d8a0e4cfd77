"""A touch number pad for amounts: digits, the decimal point and Backspace type into a field.

The field keeps the keyboard (the pad's buttons never take the focus), so a cashier can mix
tapping and typing; a tap replaces a selected amount as a typed digit would. One pad can serve
several fields (a drawer count): ``set_entry`` points it at the field the finger chose last.
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
            button.clicked.connect(lambda _=False, k=key: self.press(k))
            grid.addWidget(button, i // 3, i % 3)
            self.buttons[key] = button

    def set_entry(self, entry: QLineEdit) -> None:
        self.entry = entry

    def press(self, key: str) -> None:
        if key == BACKSPACE:
            self.entry.backspace()
        else:
            self.entry.insert(key)
