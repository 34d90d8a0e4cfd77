"""Sell by department at an entered price (Ctrl+D), also for a barcode no product has.

One big button per department (the first is chosen; Up/Down or a tap changes it), the price typed
on the keyboard or the pad, Enter adds the line. The department's price limits are checked by the
service; the message says which limit a price breaks.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.services.departments import DepartmentService
from pos_desktop.services.formatting import money_text
from pos_desktop.services.i18n import _

from ..widgets.amount_pad import AmountPad
from .login_dialog import show_error


class DepartmentDialog(QDialog):
    def __init__(
        self,
        departments: DepartmentService,
        currency: str,
        locale: str,
        *,
        barcode=None,
        preselect: str | None = None,
        approve=None,
        parent=None,
    ) -> None:
        """``approve(detail)``: the ``sell_unknown_barcode`` approval for ``barcode`` (None:
        not approved); asked when the price is entered, as the store's policy says."""
        super().__init__(parent)
        self.setWindowTitle(_("Sell by department"))
        self.setModal(True)
        self.service, self.currency, self.locale, self.barcode = (
            departments,
            currency,
            locale,
            barcode,
        )
        self.line = None  # the cart line added
        self._approve = approve
        layout = QVBoxLayout(self)
        if barcode:
            note = QLabel(
                _(
                    "Barcode {barcode} is not in the catalogue: sell it at a price you enter. "
                    "A manager sees it in the list of unknown barcodes."
                ).format(barcode=barcode.lstrip("0"))
            )
            note.setWordWrap(True)
            layout.addWidget(note)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        row = QHBoxLayout()
        for i, department in enumerate(departments.departments()):
            button = QPushButton(department.name)
            button.setCheckable(True)
            button.setMinimumHeight(56)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setProperty("code", department.code)
            self.group.addButton(button, i)
            row.addWidget(button)
            if (i == 0 and preselect is None) or department.code == preselect:
                button.setChecked(True)
        layout.addLayout(row)
        layout.addWidget(QLabel(_("Price ({currency})").format(currency=currency)))
        self.amount = QLineEdit()
        self.amount.setObjectName("scanEntry")
        self.amount.setAccessibleName(_("Price"))
        self.amount.returnPressed.connect(self.submit)
        layout.addWidget(self.amount)
        layout.addWidget(AmountPad(self.amount, self.submit))
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.message)
        cancel = QPushButton(_("Cancel (Esc)"))
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        layout.addWidget(cancel)
        self.amount.setFocus()
        if not self.group.buttons():
            show_error(
                self.message,
                _("No departments yet: a manager adds them with 'pos-admin departments add'."),
            )

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        """Up/Down choose the department while the price field keeps the keyboard."""
        buttons = self.group.buttons()
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Right):
            if buttons:
                step = 1 if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Right) else -1
                current = max(self.group.checkedId(), 0)
                self.group.button((current + step) % len(buttons)).setChecked(True)
            return
        super().keyPressEvent(event)

    def chosen_code(self) -> str | None:
        button = self.group.checkedButton()
        return button.property("code") if button is not None else None

    def submit(self) -> None:
        code = self.chosen_code()
        if code is None:
            return
        try:
            amount = Money.parse(self.amount.text(), self.currency)
            approval = None
            if self.barcode:
                department = self.service.check(code, amount.amount_minor)  # before asking
                price = money_text(amount, self.locale)
                detail = f"Barcode {self.barcode.lstrip('0')} as {department.name} {price}"
                approval = self._approve(detail) if self._approve is not None else None
                if approval is None:
                    show_error(self.message, _("Not sold: selling this barcode was not approved."))
                    return
            self.line = self.service.sell(
                code, amount.amount_minor, barcode=self.barcode, approval=approval
            )
        except (ValueError, DomainError) as err:
            show_error(self.message, str(err))
            self.amount.selectAll()
            return
        self.accept()

    def added_text(self) -> str:
        line = self.line
        return (
            f"{line.item.name}  {money_text(Money(line.amount_minor, self.currency), self.locale)}"
        )
