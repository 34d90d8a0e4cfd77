"""Returns: scan the receipt's barcode (or type its number), choose lines and quantities,
refund. F8 switches to a return without a receipt (items scanned, catalogue prices, approval).
F6 puts the cash part of the refund onto a new gift card instead (store credit): a code is
generated, or scan the card to hand over; the refund approval is the same.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
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

from pos_desktop.domain.errors import DomainError, LedgerNotFound, LedgerOffline
from pos_desktop.domain.money import Money
from pos_desktop.domain.refund import ReturnItem, to_store_credit
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.staff import Action
from pos_desktop.services.formatting import money_text, quantity_text
from pos_desktop.services.gift_cards import normal_code
from pos_desktop.services.i18n import N_, _, ngettext
from pos_desktop.services.returns import ReturnsService
from pos_desktop.services.scanning import resolve_scan
from pos_desktop.storage.returns_repo import StoredRefund

from .cloud_wait import CloudWait

COLUMNS = (N_("Item"), N_("Sold"), N_("Can return"), N_("Return"))
N_("Store credit")  # domain.refund.STORE_CREDIT: a refund tender's name, shown translated


class ReturnsDialog(QDialog):
    """``stored`` holds the refund once one was made."""

    def __init__(
        self,
        returns: ReturnsService,
        checkout,
        locale: str,
        approver: Callable[..., object],  # (action, detail, object_id=...) -> Approval | None
        parent=None,
        *,
        tender_dialog: Callable[..., Any],  # takes an exchange's difference (TenderDialog)
        gift_cards=None,  # services.gift_cards.GiftCardService: store credit (F6)
        tasks=None,  # the window's TaskRunner: a scanned card is checked in the cloud on it
    ) -> None:
        super().__init__(parent)
        self.tender_dialog = tender_dialog
        self.setWindowTitle(_("Return"))
        self.setModal(True)
        self.returns = returns
        self.checkout = checkout
        self.locale = locale
        self.approver = approver
        self.sale: Sale | None = None
        self.no_receipt_items: list = []
        self._no_receipt_mode = False
        self.stored: StoredRefund | None = None
        self.exchange_sale: Sale | None = None  # the new sale of an exchange
        self.gift_cards = gift_cards
        self.credit_code: str | None = None  # F6: the cash part goes onto this new gift card
        self.wait = CloudWait(tasks, self._set_waiting)

        self.entry = QLineEdit()
        self.entry.setObjectName("scanEntry")
        self.entry.setPlaceholderText(_("Scan the receipt barcode or type the receipt number"))
        self.entry.returnPressed.connect(self.on_entry_return_pressed)
        self.title = QLabel(_("No receipt loaded."))
        self.title.setObjectName("totalCaption")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(44)  # a finger picks a row
        self.table.itemChanged.connect(lambda _item: self._update_plan())
        self.plan_label = QLabel()
        self.plan_label.setObjectName("subtotalLabel")
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text, seq, slot in (
            ("back", _("Back (Esc)"), "", self.reject),
            ("no_receipt", _("No receipt (F8)"), "F8", self.on_no_receipt_clicked),
            ("exchange", _("Exchange for the cart (F7)"), "F7", self.on_exchange_clicked),
            ("all", _("Return all (F5)"), "F5", self.on_all_clicked),
            ("credit", _("To a gift card (F6)"), "F6", self.on_credit_clicked),
            ("refund", _("Refund (F12)"), "F12", self.on_refund_clicked),
        ):
            button = QPushButton(text)
            button.setMinimumHeight(56)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            if seq:
                button.setShortcut(seq)
            button.clicked.connect(slot)
            self.buttons[key] = button
            row.addWidget(button)
        self.buttons["refund"].setObjectName("payButton")
        self.buttons["credit"].setVisible(gift_cards is not None)
        self.credit_label = QLabel()
        self.credit_label.setObjectName("subtotalLabel")
        self.credit_label.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.entry)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.plan_label)
        layout.addWidget(self.credit_label)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.resize(820, 560)

    # -- input ------------------------------------------------------------------------------

    def on_scanner_scanned(self, code: str) -> None:
        """Scans go here while the dialog is open (the checkout view forwards them)."""
        self.handle_code(code)

    def on_entry_return_pressed(self) -> None:
        code = self.entry.text().strip()
        self.entry.clear()
        if code:
            self.handle_code(code)

    def handle_code(self, code: str) -> None:
        if self.wait.pending:
            return
        if self.credit_code is not None and self.sale is not None:
            self._scan_credit_card(code)  # the card the customer takes home
            return
        if self._no_receipt_mode:
            self._add_no_receipt_item(code)
            return
        try:
            self.load_sale(self.returns.find_sale(code))
        except DomainError as err:
            self.show_error(str(err))

    def load_sale(self, sale: Sale) -> None:
        self.sale = sale
        self._no_receipt_mode = False
        self.message.setText("")  # an error about an earlier code belongs to that code
        left = self.returns.returnable(sale)
        self.title.setText(
            _("Receipt {number}  -  {total}").format(
                number=sale.receipt_number,
                total=money_text(Money(sale.total_minor, sale.currency), self.locale),
            )
        )
        self.table.blockSignals(True)
        self.table.setRowCount(len(sale.lines))
        for r, line in enumerate(sale.lines):
            cells = (
                line.name,
                quantity_text(line.quantity, self.locale),
                quantity_text(left[line.line_id], self.locale),
                "0",
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c != 3:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        self._update_plan()

    def set_return_quantity(self, row: int, quantity: Decimal | int | str) -> None:
        self.table.item(row, 3).setText(str(quantity))

    def items(self) -> list[ReturnItem]:
        if self.sale is None:
            return []
        out = []
        for r, line in enumerate(self.sale.lines):
            text = (self.table.item(r, 3).text() or "0").strip().replace(",", ".")
            try:
                quantity = Decimal(text)
            except ArithmeticError:
                raise DomainError(
                    _("'{text}' is not a quantity for {item}.").format(text=text, item=line.name)
                ) from None
            if quantity:
                out.append(ReturnItem(line.line_id, quantity))
        return out

    def _update_plan(self) -> None:
        if self.sale is None:
            return
        try:
            items = self.items()
            if not items:
                self.plan_label.setText(_("Type the quantity to return, or F5 for everything."))
                return
            plan = self.returns.plan(self.sale, items)
            if self.credit_code is not None:
                plan = to_store_credit(plan, self.credit_code, self.gift_cards.store_credit_kind())
        except DomainError as err:
            self.show_error(str(err))
            return
        cur = self.sale.currency
        parts = ", ".join(
            f"{_(t.name)} {money_text(Money(t.amount_minor, cur), self.locale)}"
            for t in plan.tenders
        )
        total = money_text(Money(plan.payout_minor, cur), self.locale)
        self.plan_label.setText(_("Refund {total}: {tenders}").format(total=total, tenders=parts))
        self.message.setText("")

    def on_all_clicked(self) -> None:
        if self.sale is None:
            return
        left = self.returns.returnable(self.sale)
        self.table.blockSignals(True)
        for r, line in enumerate(self.sale.lines):
            self.set_return_quantity(r, left[line.line_id].normalize())
        self.table.blockSignals(False)
        self._update_plan()

    def on_no_receipt_clicked(self) -> None:
        self.sale = None
        self._no_receipt_mode = True
        self.no_receipt_items = []
        self.table.setRowCount(0)
        self.message.setText("")
        self.plan_label.setText("")
        self.title.setText(_("Return WITHOUT receipt: scan each item (catalogue price)."))
        self.entry.setPlaceholderText(_("Scan the returned items"))
        self.entry.setFocus()

    def _add_no_receipt_item(self, code: str) -> None:
        today = self.checkout.store_today()
        found = resolve_scan(code, self.checkout.catalog, self.checkout.settings, today)
        if found.item is None:
            self.show_error(found.message)
            return
        self.no_receipt_items.append((found.item, found.quantity))
        r = self.table.rowCount()
        self.table.setRowCount(r + 1)
        for c, text in enumerate((found.item.name, "-", "-", str(found.quantity))):
            item = QTableWidgetItem(text)
            # Read-only: the scanned quantity is what is refunded, so no typed one may show.
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(r, c, item)

    def _approval(self, action: Action, detail: str, object_id: str | None = None):
        approval = self.approver(action, detail, object_id=object_id)
        if approval is None:
            raise DomainError(_("The refund was not approved: nothing was refunded."))
        return approval

    def on_refund_clicked(self) -> None:
        if self.wait.pending:
            return
        try:
            if self._no_receipt_mode:
                if not self.no_receipt_items:
                    raise DomainError(_("Scan the items being returned first."))
                count = len(self.no_receipt_items)
                approval = self._approval(
                    Action.RETURN_NO_RECEIPT,
                    ngettext(
                        "Return without receipt: {count} item, cash",
                        "Return without receipt: {count} items, cash",
                        count,
                    ).format(count=count),
                )
                self.stored = self.returns.return_without_receipt(
                    self.no_receipt_items, approval=approval
                )
            elif self.sale is not None:
                items = self.items()
                plan = self.returns.plan(self.sale, items)
                payout = money_text(Money(plan.payout_minor, self.sale.currency), self.locale)
                detail = _("Receipt {number}: refund {amount}").format(
                    number=self.sale.receipt_number, amount=payout
                )
                credit = None
                if self.credit_code is not None:
                    credit = (self.credit_code, self.gift_cards.store_credit_kind())
                    to_store_credit(plan, *credit)  # no cash part: say so before approving
                    detail += " " + _("onto gift card {code}").format(code=self.credit_code)
                approval = self._approval(Action.REFUND, detail, self.sale.sale_id)
                self.stored = self.returns.refund(
                    self.sale, items, approval=approval, store_credit=credit
                )
            else:
                self.show_error(_("Scan the receipt's barcode first."))
                return
        except DomainError as err:
            self.show_error(str(err))
            return
        self.accept()

    # -- store credit (F6) -------------------------------------------------------------------

    def on_credit_clicked(self) -> None:
        """F6: the cash part goes onto a new gift card (a code is generated; scan a card to
        use that one instead); F6 again: back to cash."""
        if self.gift_cards is None or self.wait.pending:
            return
        if self.sale is None:
            self.show_error(_("Scan the receipt's barcode first."))
            return
        if self.credit_code is None:
            self._set_credit_code(self.gift_cards.new_code())
        else:
            self.credit_code = None
            self.credit_label.setVisible(False)
        self._update_plan()

    def _set_credit_code(self, code: str) -> None:
        self.credit_code = code
        self.credit_label.setText(
            _("Onto gift card {code}: scan another card to use it instead, F6 for cash.").format(
                code=code
            )
        )
        self.credit_label.setVisible(True)

    def _scan_credit_card(self, text: str) -> None:
        """A scanned card must be a new one: the cloud (or this till's vouchers) must not
        know it yet. Offline it cannot be checked and is taken as new."""
        try:
            code = normal_code(text)
        except DomainError as err:
            self.show_error(str(err))
            return
        cards = self.gift_cards
        if not cards.in_cloud:
            vouchers = self.checkout.vouchers
            if vouchers is not None and vouchers.balance(code) is not None:
                self.show_error(self._in_use(code))
                return
            self._card_is_new(code)
            return
        self.wait.run(
            lambda: cards.ask_balance(code),
            lambda _balance: self.show_error(self._in_use(code)),
            lambda err: self._card_is_new(code) if _unknown(err) else self.show_error(str(err)),
        )

    @staticmethod
    def _in_use(code: str) -> str:
        return _(
            "Gift card {code} is already in use: hand over a new card, or press F6 twice for "
            "a new code."
        ).format(code=code)

    def _card_is_new(self, code: str) -> None:
        self._set_credit_code(code)
        self._update_plan()

    def _set_waiting(self, waiting: bool) -> None:
        self.message.setProperty("kind", "")
        self.message.setText(_("Checking the card…") if waiting else "")
        for key in ("refund", "credit", "exchange", "all", "no_receipt"):
            self.buttons[key].setEnabled(not waiting)

    def reject(self) -> None:
        """Esc: stop waiting for the cloud, else close."""
        if self.wait.cancel():
            self.show_error(_("Stopped waiting for the cloud: check the card again."))
            return
        super().reject()

    def on_exchange_clicked(self) -> None:
        """Return the chosen lines and sell the items already in the cart, in one go; the
        customer pays (tender dialog) or gets back only the difference. The approval comes
        before any money is taken."""
        if self.sale is None or self.checkout.cart.is_empty:
            self.show_error(_("For an exchange, scan the new items first, then load the receipt."))
            return
        try:
            items = self.items()
            due = self.returns.exchange_due(self.sale, items)
            approval = self._approval(
                Action.REFUND,
                _("Exchange on receipt {number}").format(number=self.sale.receipt_number),
                self.sale.sale_id,
            )
            extra = None
            if due > 0:
                extra = self._take_difference(due)
                if extra is None:
                    return
            self.stored, self.exchange_sale = self.returns.exchange(
                self.sale, items, extra, approval=approval
            )
        except DomainError as err:
            self.show_error(str(err))
            return
        self.accept()

    def _take_difference(self, due: int):
        from pos_desktop.domain.tender import SplitTender

        split = SplitTender(
            Money(due, self.sale.currency),
            cash_increment_minor=self.checkout.checkout_settings.cash_increment_minor,
        )
        dialog = self.tender_dialog(self.checkout, self.locale, self, split=split)
        dialog.exec()
        if dialog.outcome != "paid":
            self.show_error(_("The difference was not paid: nothing was exchanged."))
            return None
        return dialog.split

    def show_error(self, text: str) -> None:
        self.message.setProperty("kind", "error")
        self.message.setText(text)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)


def _unknown(err: Exception) -> bool:
    """The cloud does not know the card (a new one), or cannot be asked (taken as new)."""
    return isinstance(err, (LedgerOffline, LedgerNotFound))
