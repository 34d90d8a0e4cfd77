"""Type-ahead results under the checkout's entry field.

Letters typed in the entry field search the catalogue by name, SKU or barcode beginning (scans
never reach the field: the wedge filter takes them). Up/Down pick a result, Enter adds it, Esc
closes the list; a tap on a row adds it too. Enter with no row chosen adds the best match when
letters were typed; digits alone keep their old meaning (a barcode or quantity typed by hand), so
Enter still looks up exactly what was typed unless a row was picked.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem

from pos_desktop.domain.money import Money
from pos_desktop.services.formatting import money_text
from pos_desktop.storage.product_search import MIN_BARCODE_DIGITS, ProductSearch

VISIBLE_ROWS = 5
_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape)


def wants_search(text: str) -> bool:
    """Letters always search; digits only once they can be a barcode fragment."""
    text = text.strip()
    if any(c.isalpha() for c in text):
        return True
    return text.isdigit() and len(text) >= MIN_BARCODE_DIGITS


class SearchResults(QListWidget):
    picked = Signal(str)  # the SKU of the product the cashier chose

    def __init__(
        self, entry: QLineEdit, search: ProductSearch, currency: str, locale: str, parent=None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("searchResults")
        self.setAccessibleName("Search results")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the entry keeps the keyboard
        self.entry, self.search, self.currency, self.locale = entry, search, currency, locale
        self.hide()
        entry.textEdited.connect(self.on_entry_text_edited)
        entry.installEventFilter(self)
        self.itemClicked.connect(self.on_item_clicked)

    def on_entry_text_edited(self, text: str) -> None:
        self.clear()
        if not wants_search(text):
            self.hide()
            return
        for hit in self.search.search(text, limit=20):
            price = money_text(Money(hit.price_minor, self.currency), self.locale)
            unit = "/kg" if hit.sold_by_weight else ""
            item = QListWidgetItem(f"{hit.name}    {price}{unit}    {hit.sku}")
            item.setData(Qt.ItemDataRole.UserRole, hit.sku)
            self.addItem(item)
        if self.count() == 0:
            self.addItem(QListWidgetItem(f"Nothing found for '{text.strip()}'."))
            self.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        rows = min(self.count(), VISIBLE_ROWS)
        self.setFixedHeight(rows * max(self.sizeHintForRow(0), 44) + 2 * self.frameWidth())
        self.show()

    def close_list(self) -> None:
        self.clear()
        self.hide()

    def _pick(self, item: QListWidgetItem | None) -> bool:
        sku = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not sku:
            return False
        self.close_list()
        self.entry.clear()
        self.picked.emit(sku)
        return True

    def on_item_clicked(self, item: QListWidgetItem) -> None:
        self._pick(item)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is not self.entry or not self.isVisible():
            return False
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in _KEYS:
            event.accept()  # the list's keys win over the window's shortcuts while it is open
            return True
        if event.type() != QEvent.Type.KeyPress or event.key() not in _KEYS:
            return False
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close_list()
            self.entry.clear()
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            chosen = self.currentItem()
            if chosen is None and any(c.isalpha() for c in self.entry.text()):
                chosen = self.item(0)  # words + Enter: the best match
            return self._pick(chosen)  # digits and no row chosen: the typed code as before
        step = 1 if key == Qt.Key.Key_Down else -1
        row = self.currentRow()
        self.setCurrentRow(max(0, min(self.count() - 1, step if row < 0 else row + step)))
        return True
