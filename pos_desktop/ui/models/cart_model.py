"""Table model over the checkout service's cart (item, qty, unit price, line total)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from pos_desktop.domain.money import Money
from pos_desktop.services.checkout import CheckoutService
from pos_desktop.services.formatting import money_text, quantity_text

HEADERS = ("Item", "Qty", "Price", "Total")


class CartTableModel(QAbstractTableModel):
    def __init__(self, checkout: CheckoutService, locale: str, parent=None) -> None:
        super().__init__(parent)
        self._checkout = checkout
        self._locale = locale
        self._lines = ()

    def refresh(self) -> None:
        """Re-read the cart; cheap (a cart has at most a few hundred lines)."""
        self.beginResetModel()
        self._lines = self._checkout.cart.lines
        self.endResetModel()

    def line_id_at(self, row: int) -> str | None:
        return self._lines[row].line_id if 0 <= row < len(self._lines) else None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line = self._lines[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        currency = line.item.currency
        if col == 0:
            return line.item.name
        if col == 1:
            qty = quantity_text(line.quantity, self._locale)
            return f"{qty} kg" if line.item.sold_by_weight else qty
        if col == 2:
            return money_text(Money(line.item.unit_price_minor, currency), self._locale)
        return money_text(Money(line.amount_minor, currency), self._locale)
