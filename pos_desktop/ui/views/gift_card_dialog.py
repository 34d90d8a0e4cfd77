"""Gift card (Ctrl+Shift+V): check a card's balance, or sell / top one up on this sale.

Scan the card (or type its code), then F5 shows the balance (asked of the cloud), or type the
amount to load and press Enter: a "Gift card CODE" line goes on the sale, at 0 % tax; the card
is loaded when the sale is paid. The balance is asked of the cloud off the GUI thread (the
window's TaskRunner): "Checking the card…" meanwhile, Esc stops waiting.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.services.formatting import money_text
from pos_desktop.services.gift_cards import normal_code
from pos_desktop.services.i18n import _

from .cloud_wait import CloudWait
from .login_dialog import show_error


class GiftCardDialog(QDialog):
    """``sold`` is the code of the card put on the sale (None: nothing sold)."""

    def __init__(self, gift_cards, currency: str, locale: str, parent=None, tasks=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Gift card"))
        self.setModal(True)
        self.service, self.currency, self.locale = gift_cards, currency, locale
        self.sold: str | None = None
        self.wait = CloudWait(tasks, self._set_waiting)
        self.code = QLineEdit()
        self.code.setAccessibleName(_("Gift card code"))
        self.code.setPlaceholderText(_("Scan or type the card's code"))
        self.amount = QLineEdit()
        self.amount.setObjectName("scanEntry")
        self.amount.setAccessibleName(_("Amount to load"))
        self.amount.setPlaceholderText(_("Amount to load ({currency})").format(currency=currency))
        self.amount.returnPressed.connect(self.on_sell_clicked)
        self.code.returnPressed.connect(self.amount.setFocus)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        for text, key, slot in (
            (_("Check balance\n(F5)"), "F5", self.on_balance_clicked),
            (_("Sell / top up\n(Enter)"), "", self.on_sell_clicked),
            (_("Close\n(Esc)"), "", self.reject),
        ):
            button = QPushButton(text)
            button.setMinimumHeight(56)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slot)
            if key:
                button.setShortcut(key)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Card")))
        layout.addWidget(self.code)
        layout.addWidget(QLabel(_("Load")))
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
        if self.wait.pending:
            return
        try:
            code = normal_code(self.code.text())
            if not self.service.in_cloud:  # this till's own vouchers: nothing to wait for
                self._show_balance(code, self.service.balance(code))
                return
        except DomainError as err:
            show_error(self.message, str(err))
            return
        self.wait.run(
            lambda: self.service.ask_balance(code),
            lambda balance: self._show_balance(code, balance),
            self._failed,
        )

    def _show_balance(self, code: str, balance: Money) -> None:
        self.message.setProperty("kind", "")
        self.message.setText(
            _("Gift card {code} holds {amount}.").format(
                code=code, amount=money_text(balance, self.locale)
            )
        )
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def _failed(self, err: Exception) -> None:
        show_error(self.message, str(err))

    def _set_waiting(self, waiting: bool) -> None:
        self.message.setProperty("kind", "")
        self.message.setText(_("Checking the card…") if waiting else "")

    def reject(self) -> None:
        """Esc: stop waiting for the cloud, else close."""
        if self.wait.cancel():
            show_error(self.message, _("Stopped waiting for the cloud: check the card again."))
            return
        super().reject()

    def on_sell_clicked(self) -> None:
        try:
            amount = Money.parse(self.amount.text(), self.currency)
            self.service.sell(self.code.text(), amount)
        except (DomainError, ValueError) as err:
            show_error(self.message, str(err))
            return
        self.sold = self.code.text().strip().upper()
        self.accept()
