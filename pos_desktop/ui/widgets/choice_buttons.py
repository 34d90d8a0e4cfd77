"""Touch choices: one of several, as full-width checkable buttons instead of small radio buttons.

Every checkable button in the till shows its checked state through the stylesheet
(``QPushButton:checked`` in ``resources/styles/till.qss``). The buttons never take the keyboard,
so a field beside them keeps what the cashier types.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QPushButton, QSizePolicy, QWidget

CHOICE_HEIGHT_PX = 52


def choice_button(text: str, *, shortcut: str | None = None) -> QPushButton:
    """A checkable, touch-sized button that stretches to the width it is given."""
    button = QPushButton(text)
    button.setCheckable(True)
    button.setMinimumHeight(CHOICE_HEIGHT_PX)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setAutoDefault(False)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    if shortcut:
        button.setShortcut(shortcut)
    return button


class ChoiceButtons(QWidget):
    """``choices``: (key, label[, shortcut]); ``columns`` per row (1 = one per line)."""

    def __init__(
        self,
        choices: Sequence[tuple[str, ...]],
        *,
        columns: int = 1,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        for i, (key, text, *shortcut) in enumerate(choices):
            button = choice_button(text, shortcut=shortcut[0] if shortcut else None)
            self.group.addButton(button, i)
            grid.addWidget(button, i // columns, i % columns)
            self.buttons[key] = button
        if self.buttons:
            next(iter(self.buttons.values())).setChecked(True)

    def chosen(self) -> str:
        return next(key for key, b in self.buttons.items() if b.isChecked())

    def choose(self, key: str) -> None:
        self.buttons[key].setChecked(True)
