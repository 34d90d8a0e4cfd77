"""Waste (Ctrl+Shift+W), transfer out (Ctrl+Shift+T) and transfer in (Ctrl+Shift+I).

Waste: choose why (damaged, past its date, stolen, lost, other), scan what is written off, type
a quantity for the chosen row, "Write off"; posting asks for the ``write_off_stock`` approval
(a manager confirms with their own PIN; a cashier needs a manager's).
Transfer out (a manager): choose the store the goods go to, scan them, "Send".
Transfer in (a manager): choose the transfer on its way here; its lines show what was sent;
scan or type what actually arrived, "Receive".
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
)

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.staff import Action, reasons_for
from pos_desktop.services.auth import ApprovalRequired
from pos_desktop.services.stock_moves import (
    TRANSFER_IN,
    TRANSFER_OUT,
    WASTE,
    StockMoveService,
)

from ..widgets.amount_pad import AmountPad
from .scan_table import move_selection, product_table

TITLES = {WASTE: "Write off stock", TRANSFER_OUT: "Send to another store",
          TRANSFER_IN: "Receive a transfer"}  # fmt: skip
POST_TEXT = {WASTE: "Write off", TRANSFER_OUT: "Send", TRANSFER_IN: "Receive"}


def _qty(value) -> str:
    return f"{value.normalize():f}"


class StockMoveDialog(QDialog):
    """``approve(action, detail, object_id=, reason=)`` returns an approval token or None."""

    def __init__(
        self, service: StockMoveService, kind: str, user_name: str, approve: Callable, parent=None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLES[kind])
        self.setModal(True)
        self.service, self.kind, self.user_name, self.approve = service, kind, user_name, approve
        self.move_id: str | None = None
        self.choice = QComboBox()  # the reason, the store, or the incoming transfer
        self.choice.setAccessibleName({WASTE: "Reason", TRANSFER_OUT: "To store",
                                       TRANSFER_IN: "Transfer"}[kind])  # fmt: skip
        self._fill_choice()
        self.table = product_table(("Product", "Quantity"))
        self.entry = QLineEdit()
        self.entry.setObjectName("scanEntry")
        self.entry.setPlaceholderText("Scan items; for the chosen row type the quantity, Enter")
        self.entry.returnPressed.connect(self.on_entry_return)
        self.message = QLabel(self._hint())
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        post = QPushButton(POST_TEXT[kind])
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
        layout.addWidget(QLabel(self.choice.accessibleName()))
        layout.addWidget(self.choice)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.entry)
        layout.addWidget(AmountPad(self.entry, self.on_entry_return))
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        if kind == TRANSFER_IN:
            self.choice.currentIndexChanged.connect(self.on_transfer_chosen)
            self.on_transfer_chosen()
        self.resize(760, 680)
        self.entry.setFocus()

    def _fill_choice(self) -> None:
        if self.kind == WASTE:
            for reason in reasons_for(Action.WRITE_OFF_STOCK):
                self.choice.addItem(reason.label, reason.code)
        elif self.kind == TRANSFER_OUT:
            for store_id, name in self.service.other_stores():
                self.choice.addItem(name, store_id)
        else:
            for t in self.service.incoming():
                items = sum(q for _, q in t.lines)
                self.choice.addItem(f"From {t.from_store}: {_qty(items)} items", t.transfer_id)

    def _hint(self) -> str:
        if self.kind == TRANSFER_OUT and not self.choice.count():
            return "No other store is known yet: connect the till to the cloud once."
        if self.kind == TRANSFER_IN and not self.choice.count():
            return "No transfer is on its way to this store."
        return "Scan each item."

    def _document(self) -> str:
        if self.move_id is None:
            if self.kind == TRANSFER_IN:
                raise DomainError("No transfer is on its way to this store.")
            self.move_id = self.service.start(
                self.kind,
                self.user_name,
                reason=self.choice.currentData() if self.kind == WASTE else None,
                other_store_id=self.choice.currentData() if self.kind == TRANSFER_OUT else None,
            )
            self.choice.setEnabled(False)  # chosen for this document
        return self.move_id

    def on_transfer_chosen(self) -> None:
        transfer_id = self.choice.currentData()
        if not transfer_id:
            return
        try:
            self.move_id = self.service.receive(transfer_id, self.user_name)
        except DomainError as err:
            self.message.setText(str(err))
            return
        self.show_lines()

    def show_lines(self, select_sku: str | None = None) -> None:
        lines = self.service.lines(self.move_id) if self.move_id else []
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            for col, text in enumerate((line.name, _qty(line.quantity))):
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
            line = self.service.scan(self._document(), code)
        except DomainError as err:
            self.message.setText(str(err))
            return True
        self.message.setText(f"{line.name}: {_qty(line.quantity)}.")
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
            line = self.service.set_line(self._document(), sku, text)
        except DomainError as err:
            self.message.setText(str(err))
            return
        self.entry.clear()
        self.message.setText(f"{line.name}: {_qty(line.quantity)}.")
        self.show_lines(select_sku=sku)

    def on_post_clicked(self) -> None:
        try:
            move_id = self._document()
            try:
                lines = self.service.post(move_id)
            except ApprovalRequired:
                detail = ", ".join(f"{ln.name} x {_qty(ln.quantity)}"
                                   for ln in self.service.lines(move_id))  # fmt: skip
                token = self.approve(Action.WRITE_OFF_STOCK.value, detail, object_id=move_id,
                                     reason=self.choice.currentData())  # fmt: skip
                if token is None:
                    self.message.setText("Not approved: nothing was written off.")
                    return
                lines = self.service.post(move_id, approval=token)
        except DomainError as err:
            self.message.setText(str(err))
            return
        done = {WASTE: "written off", TRANSFER_OUT: "sent", TRANSFER_IN: "received"}[self.kind]
        self.message.setText(f"Stock {done}: {len(lines)} products posted.")
        self.accept()


def install(view, service: StockMoveService | None) -> None:
    """Give the checkout view the three shortcuts (the staff session knows the user)."""
    if service is None:
        return

    def open_dialog(kind: str) -> None:
        user = getattr(getattr(view.window(), "staff", None), "user", None)
        if user is None:
            view.show_message("Log in first (Ctrl+L).", error=True)
            return
        if kind != WASTE and not view.can_edit_quick_keys():
            view.show_message("Transfers are for a manager: log in as one (Ctrl+L).", error=True)
            return
        dialog = StockMoveDialog(
            service, kind, user.name, lambda *a, **k: view.approver(*a, **k), view
        )
        if dialog.exec():
            view.show_message(dialog.message.text())
        view.entry.setFocus()

    for keys, kind in (("Ctrl+Shift+W", WASTE), ("Ctrl+Shift+T", TRANSFER_OUT),
                       ("Ctrl+Shift+I", TRANSFER_IN)):  # fmt: skip
        QShortcut(QKeySequence(keys), view, lambda kind=kind: open_dialog(kind))
