"""The app switch: another app asks the till for a payment; the cashier accepts or declines.

Two steps in one dialog: (1) who asks, amount, reference, allowed types -> Accept / Decline;
(2) the tender buttons limited to the allowed types. The dialog only reports the cashier's
choices by signal; :class:`pos_desktop.ui.pos_api_bridge.PosApiBridge` runs the payment.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from pos_desktop.domain.money import Money
from pos_desktop.services.formatting import money_text
from pos_desktop.services.i18n import N_, _
from pos_desktop.storage.pos_api_repo import RequestRow

TENDER_LABELS = {"cash": N_("Pay cash (F12)"), "card": N_("Card (F11)")}
TENDER_KEYS = {"cash": "F12", "card": "F11"}


class AppRequestDialog(QDialog):
    accepted_by_cashier = Signal()
    declined_by_cashier = Signal()
    tender_chosen = Signal(str)

    def __init__(
        self,
        row: RequestRow,
        app_name: str,
        locale: str,
        parent=None,
        *,
        card_available: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Payment request from {app}").format(app=app_name))
        self.setModal(True)
        self.row = row
        self.stage = "ask"  # ask -> pay
        self.payment_types: list[str] = json.loads(row.payment_types)
        amount = money_text(Money(row.amount_minor, row.currency), locale, symbol=True)

        who = QLabel(_("{app} asks for a payment").format(app=app_name))
        who.setObjectName("totalCaption")
        self.amount_label = QLabel(amount)
        self.amount_label.setObjectName("totalLabel")
        allowed = ", ".join(t.capitalize() for t in self.payment_types)
        details = QLabel(
            _("Reference: {reference}").format(reference=row.reference)
            + (f"\n{row.description}" if row.description else "")
            + "\n"
            + _("Allowed: {tenders}").format(tenders=allowed)
        )
        details.setWordWrap(True)
        # The app's name, reference and description are outside text: never HTML.
        for label in (who, details):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.details = details
        self.scan_handler = None  # (code) -> None, set by the POS API bridge during payment
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)

        self.decline_button = QPushButton(_("Decline (Esc)"))
        self.decline_button.clicked.connect(self.declined_by_cashier.emit)
        self.accept_button = QPushButton(_("Accept (Enter)"))
        self.accept_button.setObjectName("payButton")
        self.accept_button.setDefault(True)
        self.accept_button.clicked.connect(self.accepted_by_cashier.emit)
        self.tender_buttons: dict[str, QPushButton] = {}
        tenders = QHBoxLayout()
        for kind in self.payment_types:
            label = TENDER_LABELS.get(kind)
            button = QPushButton(_(label) if label else kind.capitalize())
            button.setObjectName("payButton")
            button.clicked.connect(lambda _=False, k=kind: self.tender_chosen.emit(k))
            if kind in TENDER_KEYS:
                button.setShortcut(TENDER_KEYS[kind])
            button.setEnabled(kind != "card" or card_available)
            button.hide()
            self.tender_buttons[kind] = button
            tenders.addWidget(button)

        buttons = QHBoxLayout()
        buttons.addWidget(self.decline_button)
        buttons.addWidget(self.accept_button, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(who)
        layout.addWidget(self.amount_label)
        layout.addWidget(details)
        layout.addWidget(self.message)
        layout.addLayout(tenders)
        layout.addLayout(buttons)
        self.resize(600, 360)
        if "card" in self.payment_types and not card_available:
            self.show_message(_("No card terminal is configured: card cannot be taken here."))

    def show_payment_step(self) -> None:
        """Accepted: offer only the allowed tenders; Decline now means "give up"."""
        self.stage = "pay"
        self.accept_button.hide()
        self.decline_button.setText(_("Give up (not paid)"))
        for button in self.tender_buttons.values():
            button.show()
        enabled = [b for b in self.tender_buttons.values() if b.isEnabled()]
        if enabled:
            enabled[0].setDefault(True)
            enabled[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def on_scanner_scanned(self, code: str) -> bool:
        """A scan while this dialog is open: the bridge refuses it and says why (once the
        request runs); before that, the generic refusal notice."""
        if self.scan_handler is None:
            return False
        self.scan_handler(code)
        return True

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("kind", "error" if error else "info")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def reject(self) -> None:  # Esc: declines while asking; during payment use the buttons
        if self.stage == "ask":
            self.declined_by_cashier.emit()
