"""Take cash: tendered amount, live change, quick notes. Enter pays, Esc goes back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from pos_desktop.domain.money import Money, currency_exponent
from pos_desktop.services.formatting import money_text
from pos_desktop.services.i18n import _

from ..widgets.number_pad import NumberPad


def quick_notes(total: Money) -> list[Money]:
    """Exact, then the usual notes above the total (10/20/50/100 major units, x100 for JPY)."""
    scale = 10 ** currency_exponent(total.currency)
    base = 100 if currency_exponent(total.currency) == 0 else 1
    notes = [Money(n * base * scale, total.currency) for n in (5, 10, 20, 50, 100)]
    return [total] + [n for n in notes if n > total][:3]


class PayCashDialog(QDialog):
    def __init__(self, total: Money, locale: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Pay cash"))
        self.setModal(True)
        self.total = total
        self.locale = locale
        self.tendered: Money | None = None

        caption = QLabel(_("Total to pay"))
        caption.setObjectName("totalCaption")
        amount = QLabel(money_text(total, locale, symbol=True))
        amount.setObjectName("totalLabel")
        self.entry = QLineEdit(money_text(total, locale).replace(",", ""))
        self.entry.setObjectName("scanEntry")
        self.entry.setAccessibleName("Cash tendered")
        self.entry.selectAll()
        self.change_label = QLabel()
        self.change_label.setObjectName("subtotalLabel")
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)

        notes = QGridLayout()
        for i, note in enumerate(quick_notes(total)):
            label = _("Exact") if i == 0 else money_text(note, locale)
            button = QPushButton(label + f"\n(F{5 + i})")
            button.setObjectName("quickCash")
            button.clicked.connect(lambda _=False, n=note: self._pay(n))
            button.setShortcut(f"F{5 + i}")
            notes.addWidget(button, 0, i)

        pay = QPushButton(_("Pay (Enter)"))
        pay.setObjectName("payButton")
        pay.setDefault(True)
        pay.clicked.connect(self._pay_typed)
        cancel = QPushButton(_("Back (Esc)"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addWidget(pay, 2)

        self.pad = NumberPad(self.entry)  # touch screens: tap the amount handed over
        left = QVBoxLayout()
        left.addWidget(caption)
        left.addWidget(amount)
        left.addWidget(QLabel(_("Cash tendered")))
        left.addWidget(self.entry)
        left.addWidget(self.change_label)
        left.addLayout(notes)
        left.addWidget(self.message)
        left.addStretch(1)
        left.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addWidget(self.pad, 2)
        self.entry.textChanged.connect(self._update_change)
        self._update_change()
        self.resize(820, 440)

    def _parse(self) -> Money:
        return Money.parse(self.entry.text(), self.total.currency)

    def _update_change(self) -> None:
        self.message.setText("")  # an error was about the amount before this edit
        try:
            tendered = self._parse()
        except ValueError:
            self.change_label.setText(_("Change: -"))
            return
        change = tendered - self.total
        text = money_text(change, self.locale) if change.amount_minor >= 0 else "-"
        self.change_label.setText(_("Change: {text}").format(text=text))

    def _pay_typed(self) -> None:
        try:
            tendered = self._parse()
        except ValueError as err:
            self._error(str(err))
            return
        self._pay(tendered)

    def _pay(self, tendered: Money) -> None:
        if tendered < self.total:
            short = money_text(self.total - tendered, self.locale)
            self._error(f"That is {short} short of the total: take more cash.")
            return
        self.tendered = tendered
        self.accept()

    def _error(self, text: str) -> None:
        self.message.setProperty("kind", "error")
        self.message.setText(text)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.entry.selectAll()
        self.entry.setFocus(Qt.FocusReason.OtherFocusReason)
