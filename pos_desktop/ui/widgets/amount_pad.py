"""A touch number pad for amounts: digits, the decimal point, 00, clear and enter."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QWidget

KEYS = ("7", "8", "9", "4", "5", "6", "1", "2", "3", "00", "0", ".", "Clear", "Enter")


class AmountPad(QWidget):
    """Big buttons typing into ``entry``; ``Enter`` calls ``on_enter``."""

    def __init__(self, entry: QLineEdit, on_enter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        for i, key in enumerate(KEYS):
            button = QPushButton(key)
            button.setMinimumSize(72, 52)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps the keyboard
            if key == "Clear":
                button.clicked.connect(entry.clear)
            elif key == "Enter":
                button.setObjectName("payButton")
                button.clicked.connect(on_enter)
            else:
                button.clicked.connect(lambda _=False, k=key: entry.insert(k))
            if key in ("Clear", "Enter"):
                grid.addWidget(button, 4, 0 if key == "Clear" else 1, 1, 1 if key == "Clear" else 2)
            else:
                grid.addWidget(button, i // 3, i % 3)
            self.buttons[key] = button
