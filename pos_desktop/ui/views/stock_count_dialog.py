"""Stock count (Ctrl+Shift+C, a manager): scan the shelf, fix quantities on the pad, post.

Every scan counts one more of the item (a weight label counts its weight); a number typed or
tapped on the pad and Enter sets the chosen row's count. The table shows expected (as of the
count's start), counted and the variance. "Post count" closes it and queues it for the cloud;
"Close" keeps it open to carry on later.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
)

from pos_desktop.domain.errors import DomainError
from pos_desktop.services.stock_counts import StockCountService

from ..widgets.amount_pad import AmountPad
from .scan_table import move_selection, product_table

HEADERS = ("Product", "Expected", "Counted", "Variance")


def _number(value) -> str:
    return "-" if value is None else f"{value.normalize():f}"


class StockCountDialog(QDialog):
    def __init__(self, counts: StockCountService, user_name: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Stock count")
        self.setModal(True)
        self.counts, self.user_name = counts, user_name
        self.count_id = counts.start(user_name)
        self.table = product_table(HEADERS)
        self.quantity = QLineEdit()
        self.quantity.setObjectName("scanEntry")
        self.quantity.setPlaceholderText("Scan items; or type the count of the chosen row, Enter")
        self.quantity.returnPressed.connect(self.on_quantity_entered)
        self.message = QLabel("Scan each item on the shelf.")
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        post = QPushButton("Post count")
        post.setObjectName("payButton")
        post.setAutoDefault(False)
        post.clicked.connect(self.on_post_clicked)
        close = QPushButton("Close (carry on later)")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(close)
        buttons.addWidget(post, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.quantity)
        layout.addWidget(AmountPad(self.quantity, self.on_quantity_entered))
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(760, 640)
        self.show_lines()
        self.quantity.setFocus()

    def show_lines(self, select_sku: str | None = None) -> None:
        lines = self.counts.lines(self.count_id)
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            cells = (line.name, _number(line.expected), _number(line.counted),
                     _number(line.variance))  # fmt: skip
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, line.sku)
                if col:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, col, item)
            if line.sku == select_sku:
                self.table.selectRow(row)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if not move_selection(self.table, event):
            super().keyPressEvent(event)

    def on_scanner_scanned(self, code: str) -> bool:
        try:
            line = self.counts.scan(self.count_id, code)
        except DomainError as err:
            self.message.setText(str(err))
            return True
        self.message.setText(f"{line.name}: {_number(line.counted)} counted.")
        self.show_lines(select_sku=line.sku)
        return True

    def on_quantity_entered(self) -> None:
        text = self.quantity.text().strip()
        row = self.table.currentRow()
        if not text:
            return
        if row < 0:
            self.message.setText("Scan an item first, then type its count.")
            return
        sku = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        try:
            line = self.counts.set_counted(self.count_id, sku, text)
        except DomainError as err:
            self.message.setText(str(err))
            return
        self.quantity.clear()
        self.message.setText(f"{line.name}: {_number(line.counted)} counted.")
        self.show_lines(select_sku=sku)

    def on_post_clicked(self) -> None:
        try:
            lines = self.counts.post(self.count_id, self.user_name)
        except DomainError as err:
            self.message.setText(str(err))
            return
        off = sum(1 for line in lines if line.variance)
        self.message.setText(f"Count posted: {len(lines)} products, {off} with a variance.")
        self.accept()
