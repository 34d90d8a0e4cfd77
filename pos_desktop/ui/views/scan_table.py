"""The stock dialogs' shared shape (count, receipt, waste, transfers): a product table, a scan
or quantity entry with the pad, a message line, Post and Close.

Scans land in :meth:`ScanDocumentDialog.on_scanner_scanned`; a number typed (or tapped) with a
row chosen goes to :meth:`set_line`. Rows are selected whole and never focused (the entry field
keeps the keyboard); Up/Down move the chosen row. A subclass says what its lines are and how a
scan, a typed quantity and posting change them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from pos_desktop.domain.errors import DomainError

from ..widgets.amount_pad import AmountPad


def quantity_text(value) -> str:
    """A decimal quantity as people write it (``6``, ``0.75``); ``-`` for none."""
    return "-" if value is None else f"{value.normalize():f}"


def product_table(headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(44)  # a row a finger can choose
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


class ScanDocumentDialog(QDialog):
    """Subclasses set ``HEADERS``, ``POST_TEXT``, ``CLOSE_TEXT``, ``ENTRY_HINT`` and implement
    ``lines()``, ``scan_line(code)``, ``set_line(sku, text)``, ``cells(line)``,
    ``line_message(line)`` and ``post() -> str`` (the message after posting)."""

    HEADERS: tuple[str, ...] = ("Product", "Quantity")
    POST_TEXT = "Post"
    CLOSE_TEXT = "Cancel (Esc)"
    ENTRY_HINT = "Scan items; for the chosen row type the quantity, Enter"

    def __init__(
        self, title: str, first_message: str, parent=None, *, post_text: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.table = product_table(self.HEADERS)
        self.entry = QLineEdit()
        self.entry.setObjectName("scanEntry")
        self.entry.setPlaceholderText(self.ENTRY_HINT)
        self.entry.returnPressed.connect(self.on_entry_return)
        self.message = QLabel(first_message)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        post = QPushButton(post_text or self.POST_TEXT)
        post.setObjectName("payButton")
        post.setAutoDefault(False)
        post.clicked.connect(self.on_post_clicked)
        close = QPushButton(self.CLOSE_TEXT)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(close)
        self.buttons.addWidget(post, 2)
        self.top = QVBoxLayout()  # room above the table (supplier, reason, store...)
        # The pad beside the table, not under it: on a 768 px high screen the table keeps
        # room for several rows.
        middle = QHBoxLayout()
        middle.addWidget(self.table, 3)
        middle.addWidget(AmountPad(self.entry, self.on_entry_return), 2)
        layout = QVBoxLayout(self)
        layout.addLayout(self.top)
        layout.addWidget(self.entry)
        layout.addLayout(middle, 1)
        layout.addWidget(self.message)
        layout.addLayout(self.buttons)
        self.resize(940, 640)

    def show_lines(self, select_sku: str | None = None) -> None:
        lines = self.lines()
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            for col, text in enumerate(self.cells(line)):
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
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.table.rowCount():
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            current = self.table.currentRow()
            self.table.selectRow(max(0, min(self.table.rowCount() - 1, current + step)))
            return
        super().keyPressEvent(event)

    def on_scanner_scanned(self, code: str) -> bool:
        try:
            line = self.scan_line(code)
        except DomainError as err:
            self.message.setText(str(err))
            return True
        self.message.setText(self.line_message(line))
        self.show_lines(select_sku=line.sku)
        return True

    def on_entry_return(self) -> None:
        text, row = self.entry.text().strip(), self.table.currentRow()
        if not text:
            return
        if row < 0:
            self.message.setText("Scan an item first, then type its quantity.")
            return
        sku = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        try:
            line = self.set_line(sku, text)
        except (DomainError, ValueError) as err:
            self.message.setText(str(err))
            return
        self.entry.clear()
        self.message.setText(self.line_message(line))
        self.show_lines(select_sku=sku)

    def on_post_clicked(self) -> None:
        try:
            text = self.post()
        except DomainError as err:
            self.message.setText(str(err))
            return
        if text is None:  # not posted (an approval was refused): the message says why
            return
        self.message.setText(text)
        self.accept()
