"""Price check (Ctrl+F): look a product up without adding it to the cart.

Scan it (the scan comes to this window, not to the cart) or type part of its name, SKU or
barcode and pick it; the window shows its name, price (per kg for weighed items), SKU, barcodes
and tax rate.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton, QVBoxLayout

from pos_desktop.domain.money import Money
from pos_desktop.services.formatting import money_text
from pos_desktop.services.i18n import _
from pos_desktop.services.scanning import resolve_scan
from pos_desktop.storage.stock_repo import on_hand

from ..widgets.search_results import SearchResults


class PriceCheckDialog(QDialog):
    def __init__(self, checkout, search, locale: str, parent=None, *, print_label=None) -> None:
        super().__init__(parent)
        self.print_label = print_label  # (sku) -> None: a shelf label on the receipt printer
        self.sku: str | None = None
        self.setWindowTitle(_("Price check"))
        self.setModal(True)
        self.checkout, self.locale = checkout, locale
        self.entry = QLineEdit()
        self.entry.setObjectName("scanEntry")
        self.entry.setPlaceholderText(_("Scan the item, or type part of its name, SKU or barcode"))
        self.entry.setAccessibleName(_("Product to look up"))
        self.results = SearchResults(self.entry, search, checkout.settings.currency, locale, self)
        self.results.picked.connect(self.show_code)
        self.entry.returnPressed.connect(lambda: self.show_code(self.entry.text().strip()))
        self.name = QLabel(_("Scan an item to see its price."))
        self.name.setObjectName("totalCaption")
        self.price = QLabel()
        self.price.setObjectName("totalLabel")
        self.details = QLabel()
        self.details.setWordWrap(True)
        for label in (self.name, self.price, self.details):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.label_button = QPushButton(_("Print shelf label"))
        self.label_button.setAutoDefault(False)
        self.label_button.setEnabled(False)
        self.label_button.setVisible(print_label is not None)
        self.label_button.clicked.connect(self.on_label_clicked)
        close = QPushButton(_("Close (Esc)"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.entry, self.results, self.name, self.price, self.details):
            layout.addWidget(widget)
        layout.addWidget(self.label_button)
        layout.addWidget(close)
        self.resize(640, 480)
        self.entry.setFocus()

    def on_scanner_scanned(self, code: str) -> bool:
        """A scan while the window is open looks the item up here (never adds it)."""
        self.show_code(code)
        return True

    def on_label_clicked(self) -> None:
        if self.sku and self.print_label is not None:
            self.print_label(self.sku)
            self.details.setText(self.details.text() + "\n" + _("Shelf label sent to the printer."))

    def show_code(self, code: str) -> None:
        if not code:
            return
        today = self.checkout.store_today()
        found = resolve_scan(code, self.checkout.catalog, self.checkout.settings, today)
        item = found.item or found.needs_weight
        self.entry.clear()
        self.results.close_list()
        self.sku = item.sku if item is not None else None
        self.label_button.setEnabled(self.sku is not None)
        if item is None:
            self.name.setText(found.message)
            self.price.setText("")
            self.details.setText("")
            return
        price = money_text(Money(item.unit_price_minor, item.currency), self.locale, symbol=True)
        if found.price_minor is not None:  # a price label: its own price
            price = money_text(Money(found.price_minor, item.currency), self.locale, symbol=True)
        self.name.setText(item.name)
        self.price.setText(_("{price} / kg").format(price=price) if item.sold_by_weight else price)
        rate = item.tax_rate
        parts = [_("SKU {sku}").format(sku=item.sku)]
        if item.gtin:
            parts.append(_("barcode {barcode}").format(barcode=item.gtin.lstrip("0")))
        percent = f"{rate.percent.normalize():f}"
        parts.append(_("tax {name} {percent} %").format(name=rate.name, percent=percent))
        self.details.setText("   ".join(parts) + "\n" + self._on_hand(item.sku))

    def _on_hand(self, sku: str) -> str:
        db = getattr(self.checkout, "db", None)
        if db is None:
            return ""
        figure = on_hand(db, sku)
        if figure.quantity is None:
            return _("On hand: unknown (no stock figure from the cloud for this product).")
        text = _("On hand: {quantity}").format(quantity=f"{figure.quantity.normalize():f}")
        if figure.sold_unsynced:
            text += " " + _("({sold} sold here not yet synced)").format(
                sold=f"{figure.sold_unsynced.normalize():f}"
            )
        if figure.moved_unsynced:
            text += " " + _(
                "({moved} received, returned or written off here, not yet synced)"
            ).format(moved=f"{figure.moved_unsynced.normalize():+f}")
        return text
