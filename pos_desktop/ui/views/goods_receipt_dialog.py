"""Receive goods (Ctrl+Shift+G, a manager): supplier and delivery note, then scan what arrived.

Every scan adds one (a weight label its weight). For the chosen row, type the quantity, or the
quantity and unit cost as ``12@0.85``, then Enter. "Post" records the receipt and queues it for
the cloud; a delivery that comes in parts is received as several receipts with the same note.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
)

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.services.formatting import money_text
from pos_desktop.services.goods_receipts import GoodsReceiptService

from ..widgets.amount_pad import AmountPad
from .scan_table import move_selection, product_table

HEADERS = ("Product", "Quantity", "Unit cost")


class GoodsReceiptDialog(QDialog):
    def __init__(
        self, receipts: GoodsReceiptService, user_name: str, currency: str, locale: str, parent=None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Receive goods")
        self.setModal(True)
        self.service, self.user_name = receipts, user_name
        self.currency, self.locale = currency, locale
        self.receipt_id: str | None = None
        self.supplier = QLineEdit()
        self.note = QLineEdit()
        form = QFormLayout()
        form.addRow("Supplier", self.supplier)
        form.addRow("Delivery note", self.note)
        self.table = product_table(HEADERS)
        self.entry = QLineEdit()
        self.entry.setObjectName("scanEntry")
        self.entry.setPlaceholderText("Scan items; for the chosen row type 12 or 12@0.85, Enter")
        self.entry.returnPressed.connect(self.on_entry_return)
        self.message = QLabel("Scan each item that arrived.")
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        post = QPushButton("Post receipt")
        post.setObjectName("payButton")
        post.setAutoDefault(False)
        post.clicked.connect(self.on_post_clicked)
        close = QPushButton("Cancel (Esc)")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(close)
        buttons.addWidget(post, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.entry)
        layout.addWidget(AmountPad(self.entry, self.on_entry_return))
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(760, 680)
        self.entry.setFocus()

    def _receipt(self) -> str:
        if self.receipt_id is None:
            self.receipt_id = self.service.start(
                self.user_name, self.supplier.text(), self.note.text()
            )
        return self.receipt_id

    def show_lines(self, select_sku: str | None = None) -> None:
        lines = self.service.lines(self._receipt())
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            cost = (
                "-"
                if line.unit_cost_minor is None
                else money_text(Money(line.unit_cost_minor, self.currency), self.locale)
            )
            for col, text in enumerate((line.name, f"{line.quantity.normalize():f}", cost)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, line.sku)
                self.table.setItem(row, col, item)
            if line.sku == select_sku:
                self.table.selectRow(row)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if not move_selection(self.table, event):
            super().keyPressEvent(event)

    def on_scanner_scanned(self, code: str) -> bool:
        try:
            line = self.service.scan(self._receipt(), code)
        except DomainError as err:
            self.message.setText(str(err))
            return True
        self.message.setText(f"{line.name}: {line.quantity.normalize():f} received.")
        self.show_lines(select_sku=line.sku)
        return True

    def on_entry_return(self) -> None:
        text, row = self.entry.text().strip(), self.table.currentRow()
        if not text:
            return
        if row < 0:
            self.message.setText("Scan an item first, then type its quantity (and @cost).")
            return
        quantity, _, cost = text.partition("@")
        sku = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        try:
            line = self.service.set_line(self._receipt(), sku, quantity, unit_cost=cost or None)
        except (DomainError, ValueError) as err:
            self.message.setText(str(err))
            return
        self.entry.clear()
        self.message.setText(f"{line.name}: {line.quantity.normalize():f} received.")
        self.show_lines(select_sku=sku)

    def on_post_clicked(self) -> None:
        try:
            lines = self.service.post(self._receipt())
        except DomainError as err:
            self.message.setText(str(err))
            return
        self.message.setText(f"Goods received: {len(lines)} products posted.")
        self.accept()
