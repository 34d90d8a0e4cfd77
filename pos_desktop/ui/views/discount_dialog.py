"""Discounts and price overrides: on the selected line or on the whole order.

The dialog only collects what the cashier wants; the checkout view applies it through the
service, which asks the approval hook when the discount is above the store's limit.
"""

from __future__ import annotations

from decimal import InvalidOperation

from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QPushButton, QVBoxLayout

from pos_desktop.domain.amounts import parse_percent
from pos_desktop.domain.discounts import Discount
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.services.i18n import _

from ..widgets.choice_buttons import ChoiceButtons

LINE, ORDER, OVERRIDE, REMOVE = "line", "order", "override", "remove"


class DiscountDialog(QDialog):
    """After ``exec()``: ``target`` (line/order/override/remove) and ``discount`` or
    ``price`` + ``reason``."""

    def __init__(
        self, item_name: str | None, currency: str, reasons: tuple[str, ...], parent=None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Discount"))
        self.setModal(True)
        self.currency = currency
        self.target: str | None = None
        self.discount: Discount | None = None
        self.price: Money | None = None
        self.reason = ""

        self.kind = ChoiceButtons(
            [
                (LINE, _("This line: {name} (F5)").format(name=item_name or "-"), "F5"),
                (ORDER, _("Whole order (F6)"), "F6"),
                (OVERRIDE, _("New price for this line (F7)"), "F7"),
            ]
        )
        self.kinds = self.kind.buttons
        self.kind.choose(LINE if item_name else ORDER)
        self.kinds[LINE].setEnabled(item_name is not None)
        self.kinds[OVERRIDE].setEnabled(item_name is not None)
        self.unit = ChoiceButtons(
            [("percent", _("Percent (%)")), ("amount", _("Amount"))], columns=2
        )
        self.percent, self.amount = self.unit.buttons["percent"], self.unit.buttons["amount"]
        self.value = QLineEdit()
        self.value.setObjectName("scanEntry")
        self.value.setAccessibleName(_("Discount or new price"))
        self.reasons = QComboBox()
        self.reasons.setEditable(True)
        self.reasons.addItems(list(reasons))
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        ok = QPushButton(_("Apply (Enter)"))
        ok.setDefault(True)
        ok.setObjectName("payButton")
        ok.clicked.connect(self.on_apply_clicked)
        remove = QPushButton(_("Remove discounts (F9)"))
        remove.setShortcut("F9")
        remove.clicked.connect(self.on_remove_clicked)
        back = QPushButton(_("Back (Esc)"))
        back.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.kind)
        layout.addWidget(self.unit)
        layout.addWidget(QLabel(_("Value")))
        layout.addWidget(self.value)
        layout.addWidget(QLabel(_("Reason")))
        layout.addWidget(self.reasons)
        layout.addWidget(self.message)
        for b in (ok, remove, back):
            b.setMinimumHeight(52)
            layout.addWidget(b)
        self.value.setFocus()
        self.resize(520, 520)

    def chosen(self) -> str:
        return self.kind.chosen()

    def on_remove_clicked(self) -> None:
        self.target = REMOVE
        self.accept()

    def on_apply_clicked(self) -> None:
        try:
            self._collect()
        except (DomainError, ValueError, InvalidOperation) as err:
            self.message.setProperty("kind", "error")
            self.message.setText(str(err) or _("Type a number."))
            return
        self.accept()

    def _collect(self) -> None:
        target = self.chosen()
        text = self.value.text().strip().replace(",", ".")
        if not text:
            raise DomainError(_("Type the discount (or the new price) first."))
        self.reason = self.reasons.currentText().strip()
        if target == OVERRIDE:
            self.price = Money.parse(text, self.currency)
            if not self.reason:
                raise DomainError(_("A new price needs a reason: pick one from the list."))
        elif self.percent.isChecked():
            self.discount = Discount(percent=parse_percent(text), reason=self.reason)
        else:
            amount = Money.parse(text, self.currency).amount_minor
            self.discount = Discount(amount_minor=amount, reason=self.reason)
        self.target = target
