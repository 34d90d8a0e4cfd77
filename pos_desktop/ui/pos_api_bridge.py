"""Bridge between the POS API (its own thread) and the till's window (the GUI thread).

The service calls ``request_arrived.emit`` on the API thread; Qt delivers the signal queued on
the GUI thread. A request opens the app switch dialog at once when the cart is empty; during a
sale it waits (a banner says so) until the sale is finished or parked. Once accepted, the
request is a sale of its own (``services.payment_request_flow.PaymentRequestTill`` owns the
steps): scans are refused with a message until it ends. A stored sale that paid a request is
settled by the after-sale service (``services.after_sale``: ``approved``, callback queued); the
main window passes its answer on to :meth:`PosApiBridge.on_sale_settled`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.services.after_sale import AppRequestSettled
from pos_desktop.services.i18n import _
from pos_desktop.services.payment_request_flow import PaymentRequestTill
from pos_desktop.services.pos_api import PosApiService

from .views.app_request_dialog import AppRequestDialog
from .views.card_payment_dialog import CardPaymentDialog
from .views.pay_cash_dialog import PayCashDialog
from .widgets.request_banner import RequestBanner

IDLE_CHECK_MS = 250


class PosApiBridge(QObject):
    request_arrived = Signal(str)
    request_cancelled = Signal(str)
    request_shown = Signal(str)  # the app switch dialog is on screen
    request_finished = Signal(str, str)  # request id, final status

    def __init__(self, service: PosApiService, window, parent: QObject | None = None) -> None:
        super().__init__(parent or window)
        self.service = service
        self.window = window
        self.view = window.checkout_view
        self.dialog: AppRequestDialog | None = None
        self.flow = PaymentRequestTill(service, self.view.checkout)
        self._queue: list[str] = []
        self._was_minimized = False
        self.banner = RequestBanner(self.view)
        self.view.layout().insertWidget(1, self.banner)
        self._idle = QTimer(self)
        self._idle.setInterval(IDLE_CHECK_MS)
        self._idle.timeout.connect(self.show_next)
        self.request_arrived.connect(self.on_api_request_arrived)
        self.request_cancelled.connect(self.on_api_request_cancelled)
        service.on_request_created(self.request_arrived.emit)
        service.on_request_cancelled(self.request_cancelled.emit)

    def start(self) -> None:
        """Settle requests left by a restart, then show those still waiting."""
        self.service.recover()
        for row in self.service.waiting_requests():
            self.on_api_request_arrived(row.id)

    # -- arrivals ---------------------------------------------------------------------------

    def on_api_request_arrived(self, request_id: str) -> None:
        if request_id not in self._queue:
            self._queue.append(request_id)
        self.show_next()

    def on_api_request_cancelled(self, request_id: str) -> None:
        if request_id in self._queue:
            self._queue.remove(request_id)
        dialog = self.dialog
        if dialog is not None and dialog.row.id == request_id and dialog.stage == "ask":
            self.view.show_message(
                _("{request} was cancelled by the app.").format(request=dialog.windowTitle())
            )
            self._close_dialog(request_id, "cancelled")
        self.show_next()

    def on_sale_settled(self, settled: AppRequestSettled | None) -> None:
        """A sale was stored (and its after-sale steps ran): tell who waits for the request it
        paid, if any, then show the next request waiting."""
        if settled is not None:
            self.request_finished.emit(settled.request_id, settled.status)
        QTimer.singleShot(0, self.show_next)

    def _sale_in_progress(self) -> bool:
        modal = QApplication.activeModalWidget()
        return bool(
            not self.view.checkout.cart.is_empty or self.view.busy_reason or modal is not None
        )

    def show_next(self) -> None:
        """Open the oldest waiting request, or keep the banner up while a sale runs."""
        if self.dialog is not None:
            return
        waiting = {r.id: r for r in self.service.waiting_requests()}
        self._queue = [rid for rid in self._queue if rid in waiting]
        if not self._queue:
            self._idle.stop()
            self.banner.clear()
            return
        if self._sale_in_progress():
            names = [self.service.app_name(waiting[rid].app_id) for rid in self._queue]
            self.banner.show_waiting(names)
            self._idle.start()
            return
        self._idle.stop()
        self.banner.clear()
        self._open(waiting[self._queue.pop(0)])

    def _open(self, row) -> None:
        self._was_minimized = self.window.isMinimized()
        if self._was_minimized:
            self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
        dialog = AppRequestDialog(
            row,
            self.service.app_name(row.app_id),
            self.service.settings.locale,
            self.window,
            card_available=self.view.cards is not None and self.view.cards.available,
        )
        dialog.accepted_by_cashier.connect(self.on_dialog_accepted)
        dialog.declined_by_cashier.connect(self.on_dialog_declined)
        dialog.tender_chosen.connect(self.on_dialog_tender_chosen)
        self.dialog = dialog
        dialog.open()
        # The window was just raised: give the keys to the dialog (Enter accepts, Esc declines).
        dialog.activateWindow()
        dialog.accept_button.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
        self.request_shown.emit(row.id)

    # -- the cashier's answers --------------------------------------------------------------

    def on_dialog_accepted(self) -> None:
        dialog = self.dialog
        try:
            self.flow.begin(dialog.row.id)
        except DomainError as err:
            self.view.show_message(str(err), error=True)
            self._close_dialog(dialog.row.id, None)
            return
        self.view.scan_target = self.on_scan_during_request  # the cart is the request's now
        dialog.scan_handler = self.on_scan_during_request  # scans reach the open dialog first
        self.view.last_change = None
        self.view.refresh()
        dialog.show_payment_step()
        if (
            len(dialog.payment_types) == 1
            and dialog.tender_buttons[dialog.payment_types[0]].isEnabled()
        ):
            QTimer.singleShot(0, lambda: self.on_dialog_tender_chosen(dialog.payment_types[0]))

    def on_dialog_declined(self) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        if dialog.stage == "pay":
            self.flow.give_up()  # drops the request's own cart and declines
            self.view.refresh()
        else:
            self.service.decline(dialog.row.id)
        self.view.show_message(
            _("Payment request {reference} declined.").format(reference=dialog.row.reference)
        )
        self._close_dialog(dialog.row.id, "declined")

    def on_dialog_tender_chosen(self, kind: str) -> None:
        dialog = self.dialog
        if dialog is None or dialog.stage != "pay":
            return
        paid = self._take(kind, dialog)
        if paid:
            self._close_dialog(dialog.row.id, None)  # request_finished came with the sale
        else:
            dialog.show_message(_("Not paid: choose a tender again, or give up."), error=True)

    def on_scan_during_request(self, code: str) -> None:
        """A scan while the request runs: refused, and the cashier is told on screen."""
        text = self.flow.refuse_scan(code)
        self.view.show_message(text, error=True)
        if self.dialog is not None:
            self.dialog.show_message(text, error=True)

    def _take(self, kind: str, dialog: AppRequestDialog) -> bool:
        view = self.view
        try:
            if kind == "cash":
                cash = PayCashDialog(self.flow.amount(), view.locale, dialog)
                if not (cash.exec() and cash.tendered):
                    return False
                sale = self.flow.pay_cash(cash.tendered)
                change = view._money(Money(sale.change_minor, sale.currency))
                view.sale_paid(sale, _("Change {amount}.").format(amount=change))
                return True
            if kind == "card":
                return self._take_card(dialog)
            sale = self.flow.pay_other(kind)
        except DomainError as err:
            dialog.show_message(str(err), error=True)
            return False
        view.sale_paid(sale, _("Paid by {tender}.").format(tender=kind.capitalize()))
        return True

    def _take_card(self, dialog: AppRequestDialog) -> bool:
        """The checkout's card flow (saved before sending, unknown resolved by the cashier)."""
        view = self.view
        try:
            attempt = self.flow.begin_card(view.cards)
        except DomainError as err:
            dialog.show_message(str(err), error=True)
            return False
        view.busy_reason = _("a card payment is in progress")
        try:
            card = CardPaymentDialog(view.cards, attempt, view.locale, dialog)
            card.exec()
        finally:
            view.busy_reason = None
        settlement = card.settlement
        if settlement is not None and settlement.sale is not None:
            view.sale_paid(settlement.sale, settlement.message)
            return True
        if settlement is not None:
            dialog.show_message(settlement.message, error=True)
        return False

    def _close_dialog(self, request_id: str, status: str | None) -> None:
        dialog, self.dialog = self.dialog, None
        self.flow.finish()
        if self.view.scan_target == self.on_scan_during_request:
            self.view.scan_target = None
        if dialog is not None:
            dialog.done(0)
            dialog.deleteLater()
        if status is not None:
            self.request_finished.emit(request_id, status)
        if self._was_minimized:  # back to where the till was
            self.window.showMinimized()
        self.view.entry.setFocus()
        QTimer.singleShot(0, self.show_next)
