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

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QLabel

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.staff import Action, reasons_for
from pos_desktop.services.auth import ApprovalRequired
from pos_desktop.services.i18n import N_, _
from pos_desktop.services.stock_moves import (
    TRANSFER_IN,
    TRANSFER_OUT,
    WASTE,
    StockMoveService,
)

from .scan_table import ScanDocumentDialog, quantity_text

TITLES = {WASTE: N_("Write off stock"), TRANSFER_OUT: N_("Send to another store"),
          TRANSFER_IN: N_("Receive a transfer")}  # fmt: skip
POST_TEXT = {WASTE: N_("Write off"), TRANSFER_OUT: N_("Send"), TRANSFER_IN: N_("Receive")}
CHOICE = {WASTE: N_("Reason"), TRANSFER_OUT: N_("To store"), TRANSFER_IN: N_("Transfer")}
NOT_DONE = {WASTE: N_("Not approved: nothing was written off."),
            TRANSFER_OUT: N_("Not approved: nothing was sent."),
            TRANSFER_IN: N_("Not approved: nothing was received.")}  # fmt: skip
POSTED = {WASTE: N_("Stock written off: {products} products posted."),
          TRANSFER_OUT: N_("Stock sent: {products} products posted."),
          TRANSFER_IN: N_("Stock received: {products} products posted.")}  # fmt: skip


class StockMoveDialog(ScanDocumentDialog):
    """``approve(action, detail, object_id=, reason=)`` returns an approval token or None."""

    def __init__(
        self,
        service: StockMoveService,
        kind: str,
        user_name: str,
        approve: Callable,
        parent=None,
        transfer_approval=None,
    ) -> None:
        super().__init__(TITLES[kind], N_("Scan each item."), parent, post_text=POST_TEXT[kind])
        self.service, self.kind, self.user_name, self.approve = service, kind, user_name, approve
        self.move_id: str | None = None
        self.transfer_approval = transfer_approval  # given when the transfer dialog opened
        self.choice = QComboBox()  # the reason, the store, or the incoming transfer
        self.choice.setAccessibleName(_(CHOICE[kind]))
        self._fill_choice()
        self.top.addWidget(QLabel(_(CHOICE[kind])))
        self.top.addWidget(self.choice)
        if kind == TRANSFER_OUT and not self.choice.count():
            self.message.setText(_("No other store is known yet: connect the till to the cloud."))
        if kind == TRANSFER_IN:
            if not self.choice.count():
                self.message.setText(_("No transfer is on its way to this store."))
            self.choice.currentIndexChanged.connect(self.on_transfer_chosen)
            self.on_transfer_chosen()
        self.entry.setFocus()

    def _fill_choice(self) -> None:
        if self.kind == WASTE:
            for reason in reasons_for(Action.WRITE_OFF_STOCK):
                self.choice.addItem(_(reason.label), reason.code)
        elif self.kind == TRANSFER_OUT:
            for store_id, name in self.service.other_stores():
                self.choice.addItem(name, store_id)
        else:
            for t in self.service.incoming():
                items = quantity_text(sum(q for _, q in t.lines))
                self.choice.addItem(
                    _("From {store}: {items} items").format(store=t.from_store, items=items),
                    t.transfer_id,
                )

    def _document(self) -> str:
        if self.move_id is None:
            if self.kind == TRANSFER_IN:
                raise DomainError(_("No transfer is on its way to this store."))
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

    def lines(self):
        return self.service.lines(self.move_id) if self.move_id else []

    def cells(self, line) -> tuple[str, ...]:
        return line.name, quantity_text(line.quantity)

    def line_message(self, line) -> str:
        return f"{line.name}: {quantity_text(line.quantity)}."

    def scan_line(self, code: str):
        return self.service.scan(self._document(), code)

    def set_line(self, sku: str, text: str):
        return self.service.set_line(self._document(), sku, text)

    def post(self) -> str | None:
        move_id = self._document()
        action = Action.WRITE_OFF_STOCK if self.kind == WASTE else Action.TRANSFER_STOCK
        try:  # a transfer brings the approval given when it opened; it lasts five minutes
            lines = self.service.post(move_id, approval=self.transfer_approval)
        except ApprovalRequired:
            detail = ", ".join(f"{ln.name} x {quantity_text(ln.quantity)}"
                               for ln in self.service.lines(move_id))  # fmt: skip
            reason = self.choice.currentData() if self.kind == WASTE else None
            token = self.approve(action.value, detail, object_id=move_id, reason=reason)
            if token is None:
                self.message.setText(_(NOT_DONE[self.kind]))
                return None
            lines = self.service.post(move_id, approval=token)
        finally:
            self.transfer_approval = None  # used up, or expired
        return _(POSTED[self.kind]).format(products=len(lines))


def install(view, service: StockMoveService | None) -> None:
    """Give the checkout view the three shortcuts (the staff session knows the user)."""
    if service is None:
        return

    def open_dialog(kind: str) -> None:
        user = getattr(getattr(view.window(), "staff", None), "user", None)
        if user is None:
            view.show_message(_("Log in first (Ctrl+L)."), error=True)
            return
        transfer_approval = None
        if kind != WASTE:  # the store's policy (transfer_stock) says who sends and receives
            transfer_approval = view.approve_screen(
                Action.TRANSFER_STOCK, _("Transfers are for a manager: log in as one (Ctrl+L).")
            )
            if transfer_approval is None:
                return
        dialog = StockMoveDialog(
            service,
            kind,
            user.name,
            lambda *a, **k: view.approver(*a, **k),
            view,
            transfer_approval=transfer_approval,
        )
        if dialog.exec():
            view.show_message(dialog.message.text())
        view.entry.setFocus()

    for keys, kind in (("Ctrl+Shift+W", WASTE), ("Ctrl+Shift+T", TRANSFER_OUT),
                       ("Ctrl+Shift+I", TRANSFER_IN)):  # fmt: skip
        QShortcut(QKeySequence(keys), view, lambda kind=kind: open_dialog(kind))
