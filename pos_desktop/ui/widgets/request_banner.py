"""A banner over the cart: "Payment request from <app> waiting" while a sale is in progress."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel

from pos_desktop.services.i18n import _


class RequestBanner(QFrame):
    """Hidden until a payment request waits for the current sale to finish or be parked."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("requestBanner")
        self.setStyleSheet(
            "#requestBanner { background: #fff3cd; border: 2px solid #d39e00; border-radius: 6px; }"
            " #requestBanner QLabel { font-size: 16pt; font-weight: bold; color: #5c4400; }"
        )
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # app names are outside text
        self.label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label)
        self.hide()

    def show_waiting(self, app_names: list[str]) -> None:
        """Show who waits; the request opens once the cart is empty (finished or parked)."""
        if not app_names:
            self.clear()
            return
        text = f"Payment request from {app_names[0]} waiting"
        if len(app_names) > 1:
            text += f" (+{len(app_names) - 1} more)"
        self.label.setText(text + _(": finish or park this sale to take it."))
        self.show()

    def clear(self) -> None:
        self.label.clear()
        self.hide()
