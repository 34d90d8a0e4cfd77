"""Customers (Ctrl+U): find one by name, phone or e-mail and attach them to the sale, or create
one in a few seconds (works offline). Shows the attached customer's last purchases.

Type to search (Down/Up and Enter, or a tap); "New customer" opens the form (name, phone, e-mail,
marketing consent, receipts by e-mail). A scan while this window is open is refused: customer
cards come in a later version.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.services.customers import CustomerService
from pos_desktop.services.formatting import money_text
from pos_desktop.services.i18n import _


class CustomerDialog(QDialog):
    def __init__(self, customers: CustomerService, locale: str, *, cashier=None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Customer"))
        self.setModal(True)
        self.service, self.locale, self.cashier = customers, locale, cashier
        self.pages = QStackedWidget()
        self.pages.addWidget(self._find_page())
        self.pages.addWidget(self._new_page())
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.message)
        self.resize(640, 520)
        self.show_attached()
        self.search.setFocus()

    # -- find --------------------------------------------------------------------------------

    def _find_page(self) -> QWidget:
        page = QWidget()
        self.search = QLineEdit()
        self.search.setObjectName("scanEntry")
        self.search.setPlaceholderText(_("Name, phone or e-mail"))
        self.search.setAccessibleName(_("Find a customer"))
        self.search.textEdited.connect(self.on_search_edited)
        self.search.returnPressed.connect(self.on_search_return)
        self.results = QListWidget()
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.itemClicked.connect(self.attach_item)
        self.attached = QLabel()
        self.attached.setWordWrap(True)
        self.attached.setTextFormat(Qt.TextFormat.PlainText)
        new = QPushButton(_("New customer"))
        new.setAutoDefault(False)
        new.clicked.connect(lambda: self.pages.setCurrentIndex(1) or self.name.setFocus())
        self.remove = QPushButton(_("Remove from the sale"))
        self.remove.setAutoDefault(False)
        self.remove.clicked.connect(self.on_remove_clicked)
        done = QPushButton(_("Done (Esc)"))
        done.setAutoDefault(False)
        done.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (new, self.remove, done):
            buttons.addWidget(button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.attached)
        layout.addLayout(buttons)
        return page

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self.pages.currentIndex() == 0 and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = self.results.currentRow()
            last = self.results.count() - 1
            self.results.setCurrentRow(max(0, min(last, 0 if row < 0 else row + step)))
            return
        super().keyPressEvent(event)

    def on_search_edited(self, text: str) -> None:
        self.results.clear()
        for row in self.service.search(text):
            reach = ", ".join(x for x in (row.phone, row.email) if x)
            item = QListWidgetItem(f"{row.name}    {reach}")
            item.setData(Qt.ItemDataRole.UserRole, row.customer_id)
            self.results.addItem(item)
        if text.strip() and self.results.count() == 0:
            self.message.setText(_("Nobody found: check the spelling, or create a new customer."))
        else:
            self.message.setText("")

    def on_search_return(self) -> None:
        item = self.results.currentItem() or self.results.item(0)
        if item is not None:
            self.attach_item(item)

    def attach_item(self, item: QListWidgetItem) -> None:
        try:
            ref = self.service.attach(item.data(Qt.ItemDataRole.UserRole))
        except DomainError as err:
            self.message.setText(str(err))
            return
        self.message.setText(_("{name} is attached to this sale.").format(name=ref.name))
        self.show_attached()

    def on_remove_clicked(self) -> None:
        self.service.detach()
        self.message.setText(_("No customer on this sale."))
        self.show_attached()

    def show_attached(self) -> None:
        ref = self.service.attached()
        self.remove.setEnabled(ref is not None)
        if ref is None:
            self.attached.setText(_("No customer on this sale."))
            return
        sales = self.service.history(ref.customer_id)
        last = "; ".join(
            f"{s.completed_at[:10]} #{s.receipt_number} "
            f"{money_text(Money(s.total_minor, s.currency), self.locale)}"
            for s in sales[:5]
        )
        self.attached.setText(
            _("On this sale: {name}. Last purchases: {last}.").format(name=ref.name, last=last)
            if last
            else _("On this sale: {name}. No purchases yet.").format(name=ref.name)
        )

    # -- new -----------------------------------------------------------------------------------

    def _new_page(self) -> QWidget:
        page = QWidget()
        self.name = QLineEdit()
        self.phone = QLineEdit()
        self.email = QLineEdit()
        labels = ((self.name, _("Name")), (self.phone, _("Phone")), (self.email, _("E-mail")))
        for field, label in labels:
            field.setAccessibleName(label)
        self.consent = QCheckBox(_("Agrees to receive offers (marketing)"))
        self.email_receipts = QCheckBox(_("Wants receipts by e-mail"))
        form = QFormLayout()
        for field, label in labels:
            form.addRow(label, field)
        create = QPushButton(_("Create and attach"))
        create.setObjectName("payButton")
        create.clicked.connect(self.on_create_clicked)
        back = QPushButton(_("Back"))
        back.setAutoDefault(False)
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0) or self.search.setFocus())
        buttons = QHBoxLayout()
        buttons.addWidget(back)
        buttons.addWidget(create, 2)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(self.consent)
        layout.addWidget(self.email_receipts)
        layout.addLayout(buttons)
        return page

    def on_create_clicked(self) -> None:
        try:
            row = self.service.create(
                self.name.text(),
                email=self.email.text(),
                phone=self.phone.text(),
                marketing_consent=self.consent.isChecked(),
                email_receipts=self.email_receipts.isChecked(),
                created_by=self.cashier,
            )
            self.service.attach(row.customer_id)
        except DomainError as err:
            self.message.setText(str(err))
            return
        self.message.setText(_("{name} created and attached to this sale.").format(name=row.name))
        for field in (self.name, self.phone, self.email):
            field.clear()
        self.consent.setChecked(False)
        self.email_receipts.setChecked(False)
        self.pages.setCurrentIndex(0)
        self.show_attached()
        self.search.setFocus()

    def on_scanner_scanned(self, code: str) -> bool:
        return False  # refused with a notice: customer cards are not supported yet
