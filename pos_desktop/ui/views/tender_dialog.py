"""Split tender: cash, gift voucher, "other" tenders, and the card last for the rest.

Keyboard-first: the amount field has the focus and holds the rest due; F5 cash, F6 gift card or
voucher, F7 other tender, F8 card for the rest, F4 the attached customer's loyalty points (after
they agree), F9 removes the last tender, Esc goes back (the tenders taken so far are dropped:
nothing is stored until the sale is paid in full; gift cards and points spent in the cloud are
given back). Gift cards and points are asked of the cloud off the GUI thread (the window's
TaskRunner): the window says "Checking the card…" meanwhile, and Esc stops waiting (an answer
that comes later is given back).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from pos_desktop.domain.errors import DomainError, LedgerOffline
from pos_desktop.domain.money import Money
from pos_desktop.domain.tender import CLOUD_TENDERS, GIFT_CARD, SplitTender
from pos_desktop.services.checkout import CheckoutService
from pos_desktop.services.formatting import money_text
from pos_desktop.services.i18n import _
from pos_desktop.services.loyalty import UNIT as POINTS_UNIT

from ..widgets.number_pad import NumberPad
from .cloud_wait import CloudWait

PAID, CARD_REST = "paid", "card"


class TenderDialog(QDialog):
    """``outcome`` is "paid" (settled, commit it), "card" (the card pays ``split``'s rest) or
    None (cancelled)."""

    def __init__(
        self,
        checkout: CheckoutService,
        locale: str,
        parent=None,
        *,
        card_available=False,
        split: SplitTender | None = None,
        gift_cards=None,
        loyalty=None,
        tasks=None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Payment"))
        self.setModal(True)
        self.checkout = checkout
        self.locale = locale
        # ``split``: pay some other amount (the difference of an exchange) instead of the cart.
        self.split: SplitTender = split or checkout.new_tender()
        self.outcome: str | None = None
        # services.gift_cards.GiftCardService / services.loyalty.LoyaltyService (optional)
        self.gift_cards = gift_cards
        self.loyalty = loyalty
        # ui.tasks.TaskRunner: the cloud is asked on it (None: inline, tests without a window)
        self.wait = CloudWait(tasks, self._set_waiting)
        self._reserving: str | None = None  # the card / points tender being reserved
        self._enabled: dict[str, bool] = {}
        self._asking = ""  # what the window says while the cloud is asked

        self.total_label = QLabel()
        self.total_label.setObjectName("totalLabel")
        self.status = QLabel()
        self.status.setObjectName("totalCaption")
        self.tenders = QListWidget()
        self.amount = QLineEdit()
        self.amount.setObjectName("scanEntry")
        self.amount.setAccessibleName(_("Amount"))
        self.voucher_code = QLineEdit()
        self.voucher_code.setPlaceholderText(_("Gift card / voucher code"))
        self.other_name = QComboBox()
        self.other_name.addItems(list(checkout.checkout_settings.other_tenders))
        self.reference = QLineEdit()
        self.reference.setPlaceholderText(_("Reference (optional)"))
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)

        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        specs = [
            ("cash", _("Cash\n(F5)"), "F5", self.on_cash_clicked),
            ("voucher", _("Gift card\n(F6)"), "F6", self.on_voucher_clicked),
            ("other", _("Other tender\n(F7)"), "F7", self.on_other_clicked),
            ("card", _("Card for the rest\n(F8)"), "F8", self.on_card_clicked),
            ("remove", _("Remove last\n(F9)"), "F9", self.on_remove_clicked),
            ("points", _("Points\n(F4)"), "F4", self.on_points_clicked),
            ("back", _("Back\n(Esc)"), "", self.reject),
        ]
        for i, (key, text, key_seq, slot) in enumerate(specs):
            button = QPushButton(text)
            button.setMinimumHeight(56)  # touch-friendly
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slot)
            if key_seq:
                button.setShortcut(key_seq)
            self.buttons[key] = button
            grid.addWidget(button, i // 4, i % 4)
        self.buttons["card"].setEnabled(card_available)
        self.buttons["points"].setEnabled(
            loyalty is not None and checkout.cart.customer is not None and self._points_on()
        )
        self.buttons["cash"].setObjectName("payButton")

        extras = QHBoxLayout()
        extras.addWidget(self.voucher_code)
        extras.addWidget(self.other_name)
        extras.addWidget(self.reference)
        layout = QVBoxLayout(self)
        layout.addWidget(self.total_label)
        layout.addWidget(self.status)
        self.pad = NumberPad(self.amount)  # touch screens: tap the amount of this tender
        left = QVBoxLayout()
        left.addWidget(self.tenders)
        left.addWidget(QLabel(_("Amount")))
        left.addWidget(self.amount)
        middle = QHBoxLayout()
        middle.addLayout(left, 2)
        middle.addWidget(self.pad, 1)
        layout.addLayout(middle)
        layout.addLayout(extras)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        self.amount.returnPressed.connect(self.on_cash_clicked)
        self._update()
        self.resize(720, 560)

    def _m(self, minor: int) -> str:
        return money_text(Money(minor, self.split.currency), self.locale)

    def _update(self) -> None:
        split = self.split
        self.total_label.setText(
            _("Total {amount}").format(amount=self._m(split.total.amount_minor))
        )
        rest = split.remaining_minor
        text = _("Paid {paid}   Still due {due}").format(
            paid=self._m(split.paid_minor), due=self._m(rest)
        )
        if split.cash_due_minor != rest:
            text += "   " + _("(in cash {amount})").format(amount=self._m(split.cash_due_minor))
        self.status.setText(text)
        self.tenders.clear()
        for t in split.tenders:
            line = f"{t.name}  {self._m(t.amount_minor)}"
            if t.change_minor:
                line += "   " + _("change {amount}").format(amount=self._m(t.change_minor))
            if t.rounding_minor:
                line += "   " + _("rounding {amount}").format(amount=self._m(t.rounding_minor))
            if t.reference:
                line += f"   [{t.reference}]"
            self.tenders.addItem(line)
        self._offered = self._m(split.cash_due_minor).replace(",", "")
        self.amount.setText(self._offered)
        self.amount.selectAll()
        self.amount.setFocus(Qt.FocusReason.OtherFocusReason)
        self.buttons["remove"].setEnabled(bool(split.tenders))

    def _typed(self) -> Money:
        return Money.parse(self.amount.text(), self.split.currency)

    def _take(self, action) -> None:
        if self.wait.pending:  # one thing at a time: the cloud is being asked
            return
        try:
            action()
        except (DomainError, ValueError) as err:
            self.show_error(str(err))
            return
        self.message.setText("")
        if self.split.is_settled:
            self.outcome = PAID
            self.accept()
            return
        self._update()

    def show_error(self, text: str) -> None:
        self.message.setProperty("kind", "error")
        self.message.setText(text)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def on_cash_clicked(self) -> None:
        self._take(lambda: self.split.add_cash(self._typed()))

    def on_scanner_scanned(self, code: str) -> None:
        """A scan while paying is a gift voucher's code: redeem it at once."""
        if self.wait.pending:
            return
        self.voucher_code.setText(code)
        self.on_voucher_clicked()

    def on_voucher_clicked(self) -> None:
        if self.wait.pending:
            return
        code = self.voucher_code.text().strip()
        if not code:
            self.show_error(_("Type or scan the voucher code first, then press F6."))
            self.voucher_code.setFocus()
            return

        if self.gift_cards is not None:
            typed = self._typed() if self.amount.text() != self._offered else None
            self._pay_with_card(code, typed)
            return

        def redeem() -> None:
            balance = self.checkout.voucher_balance(code)
            used = [
                t for t in self.split.tenders if (t.reference or "").casefold() == code.casefold()
            ]
            if used:
                raise DomainError(_("Voucher {code} is already on this sale.").format(code=code))
            # An amount the cashier typed is what the customer spends; left as offered, the
            # voucher pays as much as it can.
            typed = self._typed() if self.amount.text() != self._offered else None
            self.split.add_voucher(balance, code=code, amount=typed)
            self.voucher_code.clear()

        self._take(redeem)

    def on_other_clicked(self) -> None:
        name = self.other_name.currentText()
        ref = self.reference.text().strip() or None
        self._take(lambda: self.split.add_other(self._typed(), name=name, reference=ref))
        if self.outcome is None:
            self.reference.clear()

    def on_card_clicked(self) -> None:
        if self.split.remaining_minor <= 0 or self.wait.pending:
            return
        self.outcome = CARD_REST
        self.accept()

    def _points_on(self) -> bool:
        settings = self.checkout.checkout_settings
        return settings.loyalty_points_per_unit > 0 and self.loyalty.in_cloud

    def on_points_clicked(self) -> None:
        """F4: tell the customer their points and what they would pay; spend them only when
        the customer agrees (the cashier answers Yes for them). The cloud is asked off the
        GUI thread, like a gift card."""
        customer = self.checkout.cart.customer
        if self.wait.pending:
            return
        if self.loyalty is None or customer is None:
            self.show_error(_("Attach the customer first (Ctrl+U): points belong to them."))
            return
        loyalty = self.loyalty
        try:
            loyalty.check_take(self.split)
        except DomainError as err:
            self.show_error(str(err))
            return
        self._asking = _("Checking the points…")
        self.wait.run(
            lambda: loyalty.ask_points(customer.customer_id),
            lambda held: self._points_known(customer, held),
            self._points_not_known,
        )

    def _points_not_known(self, err: Exception) -> None:
        if isinstance(err, LedgerOffline):
            self.show_error(_("The cloud cannot be reached: points can be spent only online."))
        else:
            self.show_error(str(err))

    def _points_known(self, customer, held: int) -> None:
        value = self.checkout.checkout_settings.loyalty_point_value_minor
        points = min(held, self.split.remaining_minor // value)
        if points <= 0:
            self.show_error(
                _("{name} has no points to spend yet ({points}).").format(
                    name=customer.name, points=held
                )
            )
            return
        asked = QMessageBox.question(
            self,
            _("Spend points?"),
            _(
                "{name} has {held} points. Ask them: spend {points} points for {amount} on this "
                "sale?"
            ).format(name=customer.name, held=held, points=points, amount=self._m(points * value)),
        )
        self.activateWindow()  # the keys go back to the payment (F5 for the rest)
        if asked != QMessageBox.StandardButton.Yes:
            self.show_error(_("Points not spent: the customer did not agree."))
            return
        loyalty = self.loyalty
        try:
            tender = loyalty.add_tender(self.split, held, points)
        except (DomainError, ValueError) as err:
            self.show_error(str(err))
            return
        tender_id, spent = tender.tender_id, loyalty.points_of(tender)
        self._asking = _("Checking the points…")
        loyalty.begin_reserve(tender_id, customer.customer_id, POINTS_UNIT, spent)
        self._reserving = tender_id
        self.wait.run(
            lambda: loyalty.ask_redeem(customer.customer_id, spent, tender_id),
            lambda left: self._reserved(loyalty, tender_id, left, None),
            lambda err: self._reserved(loyalty, tender_id, None, err),
            on_late=lambda _left, _err: loyalty.release(tender_id),
        )

    def on_remove_clicked(self) -> None:
        if not self.split.tenders:
            return
        last = self.split.tenders[-1]
        service = self._cloud_service(last.kind)
        if service is not None:
            self._take(lambda: service.remove(self.split, last.tender_id))
        else:
            self._take(lambda: self.split.remove(last.tender_id))

    def _cloud_service(self, kind: str):
        if kind not in CLOUD_TENDERS:
            return None
        return self.gift_cards if kind == GIFT_CARD else self.loyalty

    def reject(self) -> None:
        """Esc: stop waiting for the cloud, or leave the payment (gift cards and points already
        spent are given back)."""
        if self.wait.cancel():
            self._stopped_waiting()
            return
        for service in (self.gift_cards, self.loyalty):
            if service is not None:
                service.release_open(self.split)
        super().reject()

    # -- a gift card, asked of the cloud off the GUI thread --------------------------------

    def _pay_with_card(self, code: str, typed: Money | None) -> None:
        cards = self.gift_cards
        self._asking = _("Checking the card…")
        try:
            code = cards.check_code(self.split, code)
        except DomainError as err:
            self.show_error(str(err))
            return
        if not cards.in_cloud:  # local vouchers: nothing to wait for
            self._take(lambda: cards.take(self.split, code, typed))
            self._clear_code()
            return
        self.wait.run(
            lambda: cards.ask_balance(code),
            lambda balance: self._card_checked(code, balance, typed),
            lambda err: self._card_not_checked(code, typed, err),
        )

    def _card_not_checked(self, code: str, typed: Money | None, err: Exception) -> None:
        if isinstance(err, LedgerOffline):  # spend offline if the owner allows it
            self._take(lambda: self.gift_cards.take_offline(self.split, code, typed))
            self._clear_code()
        else:
            self.show_error(str(err))

    def _card_checked(self, code: str, balance: Money, typed: Money | None) -> None:
        cards = self.gift_cards
        try:
            tender = cards.add_tender(self.split, code, balance, typed)
        except (DomainError, ValueError) as err:
            self.show_error(str(err))
            return
        tender_id, amount = tender.tender_id, tender.amount_minor
        cards.begin_reserve(tender_id, code, cards.currency, amount)
        self._reserving = tender_id
        self.wait.run(
            lambda: cards.ask_redeem(code, amount, tender_id),
            lambda left: self._card_answered(tender_id, left, None),
            lambda err: self._card_answered(tender_id, None, err),
            # Answered after Esc: the release queued then gives it back (this makes sure;
            # no widget here, the window may be closed by now).
            on_late=lambda _left, _err: cards.release(tender_id),
        )

    def _card_answered(self, tender_id: str, left: int | None, err: Exception | None) -> None:
        self._reserved(self.gift_cards, tender_id, left, err)
        self._clear_code()

    def _reserved(self, service, tender_id: str, left: int | None, err: Exception | None) -> None:
        self._reserving = None
        self._take(lambda: service.finish_reserve(self.split, tender_id, left, err))

    def _clear_code(self) -> None:
        if self.outcome is None and not self.message.text():
            self.voucher_code.clear()

    def _stopped_waiting(self) -> None:
        points = False
        if self._reserving is not None:
            tender = next(t for t in self.split.tenders if t.tender_id == self._reserving)
            points = tender.kind != GIFT_CARD
            self._cloud_service(tender.kind).remove(self.split, self._reserving)
            self._reserving = None
        self._update()
        if points:
            self.show_error(_("Stopped waiting for the cloud: no points are spent."))
            return
        self.show_error(
            _(
                "Stopped waiting for the cloud: nothing is taken from the card. Take another "
                "tender, or scan the card again."
            )
        )

    def _set_waiting(self, waiting: bool) -> None:
        """While the cloud is asked only Esc works (it stops waiting)."""
        if waiting:
            self._enabled = {k: b.isEnabled() for k, b in self.buttons.items()}
            for key, button in self.buttons.items():
                button.setEnabled(key == "back")
            self.message.setProperty("kind", "")
            self.message.setText(self._asking or _("Checking the card…"))
            self.message.style().unpolish(self.message)
            self.message.style().polish(self.message)
        else:
            for key, button in self.buttons.items():
                button.setEnabled(self._enabled.get(key, True))
            self.message.setText("")
        self.amount.setReadOnly(waiting)
        self.voucher_code.setReadOnly(waiting)
