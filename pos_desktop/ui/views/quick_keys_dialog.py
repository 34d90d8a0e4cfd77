"""Quick keys (Ctrl+K): a touch grid of favourite products and departments.

A tap rings the key up behind the grid (products as if scanned, so weighed items read the scale;
departments at the key's price or at a price entered then) and the grid stays open for the next
one; Esc or Done closes it. Scans while the grid is open ring up too. A manager switches to
"Edit keys" to put a product (searched by name) or a department on a key, or to clear it.
"""

from __future__ import annotations

import textwrap

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.services.formatting import money_text
from pos_desktop.services.i18n import _
from pos_desktop.storage.quick_key_repo import KEYS_PER_PAGE, PAGES, QuickKey

from ..widgets.search_results import SearchResults

COLUMNS = 6
LABEL_WIDTH = 13  # characters per line on a key: labels wrap onto two lines


class QuickKeysDialog(QDialog):
    def __init__(self, view, quick_keys, parent=None) -> None:
        super().__init__(parent or view)
        self.setWindowTitle(_("Quick keys"))
        self.setModal(True)
        self.view, self.service = view, quick_keys
        # Asks the store's policy (an EDIT_QUICK_KEYS token or None, having said why not).
        self.approve_editing = lambda show: None
        self.key_editing = None  # services.quick_keys.QuickKeyEditing, once approved
        self.page_number = 1
        self.editing = False
        self.keys: list[QPushButton] = []
        grid = QGridLayout()
        for position in range(KEYS_PER_PAGE):
            button = QPushButton()
            button.setMinimumSize(120, 72)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, p=position: self.on_key_clicked(p))
            grid.addWidget(button, position // COLUMNS, position % COLUMNS)
            self.keys.append(button)
        pages = QHBoxLayout()
        self.page_buttons = QButtonGroup(self)
        for number in range(1, PAGES + 1):
            button = QPushButton(_("Page {number}").format(number=number))
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setChecked(number == 1)
            self.page_buttons.addButton(button, number)
            pages.addWidget(button)
        self.page_buttons.idClicked.connect(self.show_page)
        self.message = QLabel(_("Tap a key to ring it up."))
        self.message.setObjectName("message")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.edit_button = QPushButton(_("Edit keys (manager)"))
        self.edit_button.setCheckable(True)
        self.edit_button.setAutoDefault(False)
        self.edit_button.toggled.connect(self.on_edit_toggled)
        done = QPushButton(_("Done (Esc)"))
        done.setAutoDefault(False)
        done.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.edit_button)
        bottom.addStretch(1)
        bottom.addWidget(done)
        layout = QVBoxLayout(self)
        layout.addLayout(pages)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        self.show_page(1)

    def show_page(self, number: int) -> None:
        self.page_number = number
        self.page_buttons.button(number).setChecked(True)
        keys = self.service.page(number)
        currency, locale = self.view.checkout.settings.currency, self.view.locale
        for position, button in enumerate(self.keys):
            key = keys.get(position)
            if key is None:
                button.setText("+" if self.editing else "")
                button.setEnabled(self.editing)
                button.setProperty("key", None)
                continue
            price = (
                f"\n{money_text(Money(key.price_minor, currency), locale)}"
                if key.price_minor
                else ""
            )
            button.setText("\n".join(textwrap.wrap(key.label, LABEL_WIDTH)[:2]) + price)
            button.setEnabled(True)
            button.setProperty("key", key)

    def on_edit_toggled(self, on: bool) -> None:
        if on and self.key_editing is None:
            try:
                approval = self.approve_editing(self.message.setText)
                self.key_editing = self.service.editor(approval) if approval else None
            except DomainError as err:
                self.message.setText(str(err))
            if self.key_editing is None:
                why = self.message.text()
                self.edit_button.setChecked(False)  # toggles back: "Tap a key to ring it up."
                self.message.setText(why)
                return
        self.editing = on
        self.message.setText(_("Tap a key to change it.") if on else _("Tap a key to ring it up."))
        self.show_page(self.page_number)

    def on_key_clicked(self, position: int) -> None:
        key = self.keys[position].property("key")
        if self.editing:
            editor = QuickKeyEditor(
                self.view, self.key_editing, self.page_number, position, key, self
            )
            editor.exec()
            self.show_page(self.page_number)
            return
        if key is not None:
            self.ring_up(key)

    def ring_up(self, key: QuickKey) -> None:
        view = self.view
        if key.sku is not None:
            view.add_code(key.sku)  # as if scanned: messages, weighing, shift checks
        elif key.price_minor is not None:
            try:
                line = view.departments.sell(key.department, key.price_minor, name=key.label)
            except DomainError as err:
                view.show_message(str(err), error=True)
            else:
                view.last_change = None
                view.refresh(select_line_id=line.line_id)
                view.show_message(_("Added {name}.").format(name=key.label))
        else:
            from .engine_actions import sell_by_department

            sell_by_department(view, department=key.department)
        self.message.setText(view.message.text())

    def on_scanner_scanned(self, code: str) -> bool:
        """The grid is a selling screen: a scan rings up behind it as usual."""
        self.view.add_code(code)
        self.message.setText(self.view.message.text())
        return True


class QuickKeyEditor(QDialog):
    """Put a product or a department on one key, or clear it."""

    def __init__(self, view, service, page: int, position: int, key, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Quick key {key} on page {page}").format(key=position + 1, page=page))
        self.setModal(True)
        self.view, self.service, self.page, self.position = view, service, page, position
        self.sku: str | None = key.sku if key else None
        self.search = QLineEdit()
        self.search.setObjectName("scanEntry")
        self.search.setPlaceholderText(_("Product: type part of its name, SKU or barcode"))
        self.results = SearchResults(
            self.search,
            view.search_results.search,
            view.checkout.settings.currency,
            view.locale,
            self,
        )
        self.results.picked.connect(self.on_product_picked)
        self.departments = QButtonGroup(self)
        row = QHBoxLayout()
        for i, department in enumerate(view.departments.departments() if view.departments else []):
            button = QPushButton(department.name)
            button.setCheckable(True)
            button.setProperty("code", department.code)
            button.setChecked(bool(key and key.department == department.code))
            self.departments.addButton(button, i)
            row.addWidget(button)
        self.departments.buttonClicked.connect(self.on_department_picked)
        self.price = QLineEdit(
            "" if not key or not key.price_minor
            else f"{Money(key.price_minor, view.checkout.settings.currency).amount_minor / 100:.2f}"
        )  # fmt: skip
        self.price.setPlaceholderText(_("Fixed price (empty: the cashier enters it)"))
        self.label = QLineEdit(key.label if key else "")
        self.label.setPlaceholderText(_("Label on the key"))
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        save = QPushButton(_("Save key"))
        save.setObjectName("payButton")
        save.clicked.connect(self.save)
        clear = QPushButton(_("Clear key"))
        clear.setAutoDefault(False)
        clear.clicked.connect(self.clear)
        cancel = QPushButton(_("Cancel (Esc)"))
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (cancel, clear, save):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("A product")))
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addWidget(QLabel(_("or a department")))
        layout.addLayout(row)
        layout.addWidget(self.price)
        layout.addWidget(QLabel(_("Label")))
        layout.addWidget(self.label)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.search.setFocus()

    def on_product_picked(self, sku: str) -> None:
        self.sku = sku
        checked = self.departments.checkedButton()
        if checked is not None:
            self.departments.setExclusive(False)
            checked.setChecked(False)
            self.departments.setExclusive(True)
        item = self.view.checkout.catalog.find_by_sku(sku)
        self.label.setText(item.name if item else sku)
        self.message.setText(_("Product {name} ({sku}).").format(name=self.label.text(), sku=sku))

    def on_department_picked(self, button) -> None:
        self.sku = None
        if not self.label.text().strip():
            self.label.setText(button.text())

    def save(self) -> None:
        department = self.departments.checkedButton()
        currency = self.view.checkout.settings.currency
        try:
            price = Money.parse(self.price.text(), currency).amount_minor if (
                department is not None and self.price.text().strip()
            ) else None  # fmt: skip
            key = QuickKey(
                self.page,
                self.position,
                self.label.text().strip(),
                sku=None if department is not None else self.sku,
                department=department.property("code") if department is not None else None,
                price_minor=price,
            )
            self.service.save(key)
        except (DomainError, ValueError) as err:
            self.message.setText(str(err))
            return
        self.accept()

    def clear(self) -> None:
        self.service.clear(self.page, self.position)
        self.accept()
