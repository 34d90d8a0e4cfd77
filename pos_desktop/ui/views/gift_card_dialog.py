"""Gift card (Ctrl+Shift+V): check a card's balance, or sell / top one up on this sale.

Scan the card (or type its code), then F5 shows the balance (asked of the cloud), or type the
amount to load and press Enter: a "Gift card CODE" line goes on the sale, at 0 % tax; the card
is loaded when the sale is paid.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.services.formatting import money_text

from .login_dialog import show_error


class GiftCardDialog(QDialog):
    """``sold`` is the code of the card put on the sale (None: nothing sold)."""

    def __init__(self, gift_cards, currency: str, locale: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Gift card")
        self.setModal(True)
        self.service, self.currency, self.locale = gift_cards, currency, locale
        self.sold: str | None = None
        self.code = QLineEdit()
        self.code.setAccessibleName("Gift card code")
        self.code.setPlaceholderText("Scan or type the card's code")
        self.amount = QLineEdit()
        self.amount.setObjectName("scanEntry")
        self.amount.setAccessibleName("Amount to load")
        self.amount.setPlaceholderText(f"Amount to load ({currency})")
        self.amount.returnPressed.connect(self.on_sell_clicked)
        self.code.returnPressed.connect(self.amount.setFocus)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        for text, key, slot in (
            ("Check balance\n(F5)", "F5", self.on_balance_clicked),
            ("Sell / top up\n(Enter)", "", self.on_sell_clicked),
            ("Close\n(Esc)", "", self.reject),
        ):
            button = QPushButton(text)
            button.setMinimumHeight(56)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slot)
            if key:
                button.setShortcut(key)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Card"))
        layout.addWidget(self.code)
        layout.addWidget(QLabel("Load"))
        layout.addWidget(self.amount)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.code.setFocus()
        self.resize(520, 300)

    def on_scanner_scanned(self, code: str) -> bool:
        """A scan is the card's code; the amount comes next."""
        self.code.setText(code)
        self.amount.setFocus()
        return True

    def on_balance_clicked(self) -> None:
        try:
            balance = self.service.balance(self.code.text())
        except DomainError as err:
            show_error(self.message, str(err))
            return
        self.message.setProperty("kind", "")
        self.message.setText(
            f"Gift card {self.code.text().strip().upper()} holds "
            f"{money_text(balance, self.locale)}."
        )

    def on_sell_clicked(self) -> None:
        try:
            amount = Money.parse(self.amount.text(), self.currency)
            self.service.sell(self.code.text(), amount)
        except (DomainError, ValueError) as err:
            show_error(self.message, str(err))
            return
        self.sold = self.code.text().strip().upper()
        self.accept()
