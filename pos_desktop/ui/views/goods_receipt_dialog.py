"""Receive goods (Ctrl+Shift+G, a manager): a purchase order (or none), supplier and delivery
note, then scan what arrived. Against an order the table starts with what is still to come.

Every scan adds one (a weight label its weight). For the chosen row, type the quantity, or the
quantity and unit cost as ``12@0.85``, then Enter. "Post" records the receipt and queues it for
the cloud; a delivery that comes in parts is received as several receipts with the same note.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit

from pos_desktop.domain.money import Money
from pos_desktop.services.formatting import money_text
from pos_desktop.services.goods_receipts import GoodsReceiptService

from .scan_table import ScanDocumentDialog, quantity_text


class GoodsReceiptDialog(ScanDocumentDialog):
    HEADERS = ("Product", "Quantity", "Unit cost")
    POST_TEXT = "Post receipt"
    ENTRY_HINT = "Scan items; for the chosen row type 12 or 12@0.85, Enter"

    def __init__(
        self,
        receipts: GoodsReceiptService,
        user_name: str,
        currency: str,
        locale: str,
        parent=None,
        *,
        approval=None,  # the RECEIVE_GOODS token the service uses up when the delivery opens
    ) -> None:
        super().__init__("Receive goods", "Scan each item that arrived.", parent)
        self.service, self.user_name, self.approval = receipts, user_name, approval
        self.currency, self.locale = currency, locale
        self.receipt_id: str | None = None
        self.order = QComboBox()
        self.order.setAccessibleName("Purchase order")
        self.order.addItem("None (free-form)", None)
        for order in receipts.open_orders():
            due = f", due {order.expected_date}" if order.expected_date else ""
            self.order.addItem(f"PO {order.number} - {order.supplier}{due}", order)
        self.order.currentIndexChanged.connect(self.on_order_chosen)
        self.supplier = QLineEdit()
        self.note = QLineEdit()
        form = QFormLayout()
        form.addRow("Purchase order", self.order)
        form.addRow("Supplier", self.supplier)
        form.addRow("Delivery note", self.note)
        self.top.addLayout(form)
        self.entry.setFocus()

    def _receipt(self) -> str:
        if self.receipt_id is None:
            order = self.order.currentData()
            self.receipt_id = self.service.start(
                self.user_name,
                self.supplier.text(),
                self.note.text(),
                approval=self.approval,
                purchase_order=order,
            )
            self.order.setEnabled(False)  # one order per receipt
            if order is not None and not self.supplier.text().strip():
                self.supplier.setText(order.supplier)
        return self.receipt_id

    def on_order_chosen(self) -> None:
        order = self.order.currentData()
        if order is None or self.receipt_id is not None:
            return
        self._receipt()
        self.show_lines()
        self.message.setText(
            f"PO {order.number}: what is still to come is listed; scan or type what arrived."
        )

    def lines(self):
        return self.service.lines(self._receipt())

    def cells(self, line) -> tuple[str, ...]:
        cost = (
            "-"
            if line.unit_cost_minor is None
            else money_text(Money(line.unit_cost_minor, self.currency), self.locale)
        )
        return line.name, quantity_text(line.quantity), cost

    def line_message(self, line) -> str:
        return f"{line.name}: {quantity_text(line.quantity)} received."

    def scan_line(self, code: str):
        return self.service.scan(self._receipt(), code)

    def set_line(self, sku: str, text: str):
        quantity, _, cost = text.partition("@")
        return self.service.set_line(self._receipt(), sku, quantity, unit_cost=cost or None)

    def post(self) -> str:
        lines = self.service.post(self._receipt())
        return f"Goods received: {len(lines)} products posted."
