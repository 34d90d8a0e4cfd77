"""Discounts and price overrides: on the selected line or on the whole order.

The dialog only collects what the cashier wants; the checkout view applies it through the
service, which asks the approval hook when the discount is above the store's limit.
"""

from __future__ import annotations

from decimal import InvalidOperation

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from pos_desktop.domain.amounts import parse_percent
from pos_desktop.domain.discounts import Discount
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money

LINE, ORDER, OVERRIDE, REMOVE = "line", "order", "override", "remove"


class DiscountDialog(QDialog):
    """After ``exec()``: ``target`` (line/order/override/remove) and ``discount`` or
    ``price`` + ``reason``."""

    def __init__(
        self, item_name: str | None, currency: str, reasons: tuple[str, ...], parent=None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Discount")
        self.setModal(True)
        self.currency = currency
        self.target: str | None = None
        self.discount: Discount | None = None
        self.price: Money | None = None
        self.reason = ""

        self.kind_group = QButtonGroup(self)
        self.kinds: dict[str, QRadioButton] = {}
        grid = QGridLayout()
        specs = [
            (LINE, f"This line: {item_name or '-'} (F5)", "F5"),
            (ORDER, "Whole order (F6)", "F6"),
            (OVERRIDE, "New price for this line (F7)", "F7"),
        ]
        for i, (key, text, seq) in enumerate(specs):
            button = QRadioButton(text)
            button.setShortcut(seq)
            button.setMinimumHeight(44)
            self.kind_group.addButton(button)
            self.kinds[key] = button
            grid.addWidget(button, i, 0, 1, 2)
        self.kinds[LINE if item_name else ORDER].setChecked(True)
        self.kinds[LINE].setEnabled(item_name is not None)
        self.kinds[OVERRIDE].setEnabled(item_name is not None)
        self.percent = QRadioButton("Percent (%)")
        self.amount = QRadioButton("Amount")
        self.percent.setChecked(True)
        unit = QButtonGroup(self)
        unit.addButton(self.percent)
        unit.addButton(self.amount)
        grid.addWidget(self.percent, 3, 0)
        grid.addWidget(self.amount, 3, 1)
        self.value = QLineEdit()
        self.value.setObjectName("scanEntry")
        self.value.setAccessibleName("Discount or new price")
        self.reasons = QComboBox()
        self.reasons.setEditable(True)
        self.reasons.addItems(list(reasons))
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        ok = QPushButton("Apply (Enter)")
        ok.setDefault(True)
        ok.setObjectName("payButton")
        ok.clicked.connect(self.on_apply_clicked)
        remove = QPushButton("Remove discounts (F9)")
        remove.setShortcut("F9")
        remove.clicked.connect(self.on_remove_clicked)
        back = QPushButton("Back (Esc)")
        back.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(QLabel("Value"))
        layout.addWidget(self.value)
        layout.addWidget(QLabel("Reason"))
        layout.addWidget(self.reasons)
        layout.addWidget(self.message)
        for b in (ok, remove, back):
            b.setMinimumHeight(52)
            layout.addWidget(b)
        self.value.setFocus()
        self.resize(520, 520)

    def chosen(self) -> str:
        return next(key for key, b in self.kinds.items() if b.isChecked())

    def on_remove_clicked(self) -> None:
        self.target = REMOVE
        self.accept()

    def on_apply_clicked(self) -> None:
        try:
            self._collect()
        except (DomainError, ValueError, InvalidOperation) as err:
            self.message.setProperty("kind", "error")
            self.message.setText(str(err) or "Type a number.")
            return
        self.accept()

    def _collect(self) -> None:
        target = self.chosen()
        text = self.value.text().strip().replace(",", ".")
        if not text:
            raise DomainError("Type the discount (or the new price) first.")
        self.reason = self.reasons.currentText().strip()
        if target == OVERRIDE:
            self.price = Money.parse(text, self.currency)
            if not self.reason:
                raise DomainError("A new price needs a reason: pick one from the list.")
        elif self.percent.isChecked():
            self.discount = Discount(percent=parse_percent(text), reason=self.reason)
        else:
            amount = Money.parse(text, self.currency).amount_minor
            self.discount = Discount(amount_minor=amount, reason=self.reason)
        self.target = target
