"""Table model over the checkout service's cart (item, qty, unit price, line total as priced).

The item column names the promotions and discounts a line got, so the cashier (and the
customer) see why a line costs less.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from pos_desktop.domain.money import Money
from pos_desktop.domain.pricing import PricedCart, PricedLine
from pos_desktop.services.checkout import CheckoutService
from pos_desktop.services.formatting import money_text, quantity_text

HEADERS = ("Item", "Qty", "Price", "Total")


def line_notes(priced: PricedLine, currency: str, locale: str) -> list[str]:
    """Notes such as "Milk 2 for 2.00 -0.58", "Discount -0.10", "Price changed: Damaged"."""
    notes = [
        f"{a.name} -{money_text(Money(a.savings_minor, currency), locale)}" for a in priced.applied
    ]
    discount = priced.line_discount_minor + priced.order_discount_minor
    if discount:
        notes.append(f"Discount -{money_text(Money(discount, currency), locale)}")
    if priced.override_reason:
        notes.append(f"Price changed: {priced.override_reason}")
    return notes


class CartTableModel(QAbstractTableModel):
    def __init__(self, checkout: CheckoutService, locale: str, parent=None) -> None:
        super().__init__(parent)
        self._checkout = checkout
        self._locale = locale
        self._lines = ()
        self._priced: dict[str, PricedLine] = {}

    def refresh(self, priced: PricedCart | None = None) -> None:
        """Re-read the cart (and how it is priced); cheap for a few hundred lines."""
        self.beginResetModel()
        self._lines = self._checkout.cart.lines
        if priced is None and self._lines:
            priced = self._checkout.price()
        self._priced = {p.line_id: p for p in priced.lines} if priced else {}
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

    def notes_at(self, row: int) -> list[str]:
        line = self._lines[row]
        priced = self._priced.get(line.line_id)
        return line_notes(priced, line.item.currency, self._locale) if priced else []

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line = self._lines[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return "\n".join(self.notes_at(index.row())) or None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        currency = line.item.currency
        priced = self._priced.get(line.line_id)
        if col == 0:
            notes = self.notes_at(index.row())
            return line.item.name + (f"   ({'; '.join(notes)})" if notes else "")
        if col == 1:
            qty = quantity_text(line.quantity, self._locale)
            return f"{qty} kg" if line.item.sold_by_weight else qty
        if col == 2:
            unit = priced.unit_price_minor if priced else line.item.unit_price_minor
            return money_text(Money(unit, currency), self._locale)
        amount = priced.amount_minor if priced else line.amount_minor
        return money_text(Money(amount, currency), self._locale)
