"""Receive goods (Ctrl+Shift+G, a manager): a purchase order (or none), supplier and delivery
note, then scan what arrived. Against an order the table starts with what is still to come.
Above the table: the products the cloud found low on stock (at or below their reorder point),
with on hand at this till.

Every scan adds one (a weight label its weight). For the chosen row, type the quantity, or the
quantity and unit cost as ``12@0.85``, then Enter. "Post" records the receipt and queues it for
the cloud; a delivery that comes in parts is received as several receipts with the same note.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit

from pos_desktop.domain.money import Money
from pos_desktop.services.formatting import money_text
from pos_desktop.services.goods_receipts import GoodsReceiptService
from pos_desktop.services.i18n import N_, _, ngettext

from .scan_table import ScanDocumentDialog, quantity_text

LOW_STOCK_SHOWN = 8  # names listed; the rest are counted


class GoodsReceiptDialog(ScanDocumentDialog):
    HEADERS = (N_("Product"), N_("Quantity"), N_("Unit cost"))
    POST_TEXT = N_("Post receipt")
    ENTRY_HINT = N_("Scan items; for the chosen row type 12 or 12@0.85, Enter")

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
        super().__init__(N_("Receive goods"), N_("Scan each item that arrived."), parent)
        self.service, self.user_name, self.approval = receipts, user_name, approval
        self.currency, self.locale = currency, locale
        self.receipt_id: str | None = None
        self.order = QComboBox()
        self.order.setAccessibleName(_("Purchase order"))
        self.order.addItem(_("None (free-form)"), None)
        for order in receipts.open_orders():
            text = _("PO {number} - {supplier}").format(
                number=order.number, supplier=order.supplier
            )
            if order.expected_date:
                text += _(", due {date}").format(date=order.expected_date)
            self.order.addItem(text, order)
        self.order.currentIndexChanged.connect(self.on_order_chosen)
        self.supplier = QLineEdit()
        self.note = QLineEdit()
        form = QFormLayout()
        form.addRow(_("Purchase order"), self.order)
        form.addRow(_("Supplier"), self.supplier)
        form.addRow(_("Delivery note"), self.note)
        self.top.addLayout(form)
        self.low_stock = QLabel(self._low_stock_text())
        self.low_stock.setObjectName("lowStock")
        self.low_stock.setWordWrap(True)
        self.top.addWidget(self.low_stock)
        self.entry.setFocus()

    def _low_stock_text(self) -> str:
        """What the cloud found low: the manager orders or receives it (shown first)."""
        low = self.service.low_stock()
        if not low:
            return _("No product is low on stock.")
        shown = [
            _("{name} ({quantity})").format(
                name=item.name,
                quantity="?" if item.on_hand is None else quantity_text(item.on_hand),
            )
            for item in low[:LOW_STOCK_SHOWN]
        ]
        more = len(low) - len(shown)
        if more:
            shown.append(ngettext("{n} more", "{n} more", more).format(n=more))
        head = ngettext(
            "{n} product is low on stock (at or below its reorder point):",
            "{n} products are low on stock (at or below their reorder point):",
            len(low),
        ).format(n=len(low))
        return f"{head} {', '.join(shown)}"

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
            _("PO {number}: what is still to come is listed; scan or type what arrived.").format(
                number=order.number
            )
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
        return _("{name}: {quantity} received.").format(
            name=line.name, quantity=quantity_text(line.quantity)
        )

    def scan_line(self, code: str):
        return self.service.scan(self._receipt(), code)

    def set_line(self, sku: str, text: str):
        quantity, _at, cost = text.partition("@")
        return self.service.set_line(self._receipt(), sku, quantity, unit_cost=cost or None)

    def post(self) -> str:
        lines = self.service.post(self._receipt())
        return _("Goods received: {products} products posted.").format(products=len(lines))
