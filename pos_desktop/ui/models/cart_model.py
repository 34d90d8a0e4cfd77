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


RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class CartTableModel(QAbstractTableModel):
    """Rows are formatted once per change (not per paint), and a scan inserts one row instead
    of resetting the model: painting and the view's bookkeeping stay cheap on long carts."""

    def __init__(self, checkout: CheckoutService, locale: str, parent=None) -> None:
        super().__init__(parent)
        self._checkout = checkout
        self._locale = locale
        self._ids: list[str] = []
        self._rows: list[tuple[str, str, str, str, str | None]] = []

    def _row(self, line, priced: PricedLine | None) -> tuple[str, str, str, str, str | None]:
        currency, loc = line.item.currency, self._locale
        notes = line_notes(priced, currency, loc) if priced else []
        name = line.item.name + (f"   ({'; '.join(notes)})" if notes else "")
        qty = quantity_text(line.quantity, loc) + (" kg" if line.item.sold_by_weight else "")
        unit = priced.unit_price_minor if priced else line.item.unit_price_minor
        amount = priced.amount_minor if priced else line.amount_minor
        return (
            name,
            qty,
            money_text(Money(unit, currency), loc),
            money_text(Money(amount, currency), loc),
            "\n".join(notes) or None,
        )

    def refresh(self, priced: PricedCart | None = None) -> None:
        """Re-read the cart (and how it is priced) and tell the view only what changed."""
        lines = self._checkout.cart.lines
        if priced is None and lines:
            priced = self._checkout.price()
        by_id = {p.line_id: p for p in priced.lines} if priced else {}
        ids = [line.line_id for line in lines]
        rows = [self._row(line, by_id.get(line.line_id)) for line in lines]
        old = len(self._ids)
        if ids[:old] != self._ids:  # a line was removed or the cart replaced: start over
            self.beginResetModel()
            self._ids, self._rows = ids, rows
            self.endResetModel()
            return
        changed = [i for i in range(old) if rows[i] != self._rows[i]]
        self._rows[:old] = rows[:old]
        if len(ids) > old:
            self.beginInsertRows(QModelIndex(), old, len(ids) - 1)
            self._ids, self._rows = ids, rows
            self.endInsertRows()
        if changed:
            self.dataChanged.emit(self.index(changed[0], 0), self.index(changed[-1], 3))

    def line_id_at(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def notes_at(self, row: int) -> list[str]:
        tooltip = self._rows[row][4]
        return tooltip.split("\n") if tooltip else []

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return self._rows[index.row()][4]
        return None
