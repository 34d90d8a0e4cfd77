"""The till's main window: checkout in the middle, device state along the bottom, the Till menu
for everything that is not ringing up a sale."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from pos_desktop.container import Container
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.staff import Action
from pos_desktop.services.i18n import N_, _

from .device_bridge import DeviceBridge
from .scan_routing import scan_to_modal
from .tasks import TaskRunner
from .theme import icon
from .views import stock_move_dialog
from .views.card_payment_dialog import UnresolvedPaymentDialog
from .views.checkout_view import PRINTING, CheckoutView
from .views.devices_dialog import DevicesDialog, describe
from .views.engine_actions import CheckoutDialogs
from .widgets.receipt_preview import ReceiptPreview

STATUS_POLL_MS = 15_000
NO_PRINTER_NOTE = N_("No receipt printer: Ctrl+Shift+R shows the receipt.")
log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(
        self,
        container: Container,
        bridge: DeviceBridge,
        *,
        demo: bool = False,
        dialogs: CheckoutDialogs | None = None,
    ) -> None:
        super().__init__()
        self.container = container
        self.bridge = bridge
        self.tasks = TaskRunner(self)
        self.devices_dialog: DevicesDialog | None = None
        self.staff = None  # ui.staff_session.StaffSession, attached by qt_app
        self.pos_api_bridge = None  # ui.pos_api_bridge.PosApiBridge once the POS API runs
        settings = container.settings
        self.setWindowIcon(icon("till"))
        self.setWindowTitle(
            _("{name} - till {terminal_id}").format(
                name=settings.name, terminal_id=settings.terminal_id
            )
            + (_("  [DEMO]") if demo else "")
        )
        self.checkout_view = CheckoutView(
            container.checkout,
            settings.locale,
            self,
            cards=container.cards,
            parking=container.parking,
            returns=container.returns,
            weighing=container.weighing,
            search=container.search,
            departments=container.departments,
            quick_keys=container.quick_keys,
            customers=container.customers,
            stock_counts=container.stock_counts,
            goods_receipts=container.goods_receipts,
            dialogs=dialogs,
            gift_cards=container.gift_cards,
            loyalty=container.loyalty,
            email_receipts=container.email_receipts,
        )
        self.checkout_view.print_shelf_label = self.print_shelf_label  # from the price check
        self.checkout_view.tasks = self.tasks  # gift-card calls to the cloud wait off the GUI
        stock_move_dialog.install(self.checkout_view, container.stock_moves)
        self.receipt_preview: ReceiptPreview | None = ReceiptPreview(self) if demo else None

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.checkout_view, 3)
        if self.receipt_preview is not None:
            layout.addWidget(self.receipt_preview, 1)
            bridge.printer_bytes_received.connect(self.receipt_preview.show_job)
        self.setCentralWidget(central)
        self._build_menu()

        terminal = _("none") if container.config.terminal is None else _("ready")
        self.terminal_chip = self._chip(_("Card terminal: {terminal}").format(terminal=terminal))
        no_printer = container.config.printer is None
        self.printer_chip = self._chip(_("Printer: none") if no_printer else _("Printer: ..."))
        self.sales_chip = self._chip("")
        self.customer_chip = self._chip("")
        self.customer_chip.hide()
        self.statusBar().addPermanentWidget(self.customer_chip)
        self.checkout_view.display_changed.connect(self.on_checkout_display_changed)
        self.cashier_chip = self._chip(_("Nobody logged in"))
        self.shift_chip = self._chip(_("No shift open"))
        if container.sync is not None:
            from .widgets.sync_indicator import SyncIndicator

            self.statusBar().addPermanentWidget(SyncIndicator(container.sync.status, self))
        for chip in (
            self.cashier_chip,
            self.shift_chip,
            self.terminal_chip,
            self.printer_chip,
            self.sales_chip,
        ):
            self.statusBar().addPermanentWidget(chip)
        self.sales_chip.setText(_("Sales saved: {count}").format(count=container.sales.count()))

        self.checkout_view.sale_completed.connect(self.on_checkout_sale_completed)
        self.checkout_view.refund_completed.connect(self.on_checkout_refund_completed)
        self.checkout_view.gift_receipt_requested.connect(
            lambda sale: container.printing.print_gift_receipt(
                sale, on_done=self.bridge.on_print_done
            )
        )
        bridge.print_finished.connect(self.on_printer_print_finished)
        bridge.printer_status_changed.connect(self.on_printer_status_changed)
        bridge.scanned.connect(self.on_scanner_scanned)
        self.status_timer = QTimer(self)
        self.status_timer.timeout.connect(self.poll_printer_status)
        if not no_printer:
            self.status_timer.start(STATUS_POLL_MS)
            QTimer.singleShot(0, self.poll_printer_status)
        self.checkout_view.entry.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_home(self) -> None:
        """Keys go to the checkout's entry field (after a menu closed, for example)."""
        self.checkout_view.entry.setFocus(Qt.FocusReason.OtherFocusReason)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.status_timer.stop()  # no device polling once the window is gone
        super().closeEvent(event)

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu(_("&Till"))
        for text, shortcut, slot in (
            (_("&Reprint last receipt"), "Ctrl+P", self.on_reprint_triggered),
            (_("S&how last receipt"), "Ctrl+Shift+R", self.on_show_receipt_triggered),
            (_("&Devices..."), "Ctrl+Shift+D", self.on_devices_triggered),
            (_("&Store settings..."), "Ctrl+Shift+S", self.on_store_settings_triggered),
            (None, None, None),
            (_("&Quit"), "Ctrl+Q", self.on_quit_triggered),
        ):
            if text is None:
                menu.addSeparator()
                continue
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            menu.addAction(action)
            self.addAction(action)  # the shortcut works with the menu closed
        self.till_menu = menu

    def _chip(self, text: str) -> QLabel:
        chip = QLabel(text)
        chip.setObjectName("statusChip")
        return chip

    def _set_chip(self, chip: QLabel, text: str, state: str) -> None:
        chip.setText(text)
        chip.setProperty("state", state)
        chip.style().unpolish(chip)
        chip.style().polish(chip)

    def set_cashier_text(self, text: str) -> None:
        self.cashier_chip.setText(text)

    def set_shift_text(self, text: str, *, ok: bool) -> None:
        self._set_chip(self.shift_chip, text, "ok" if ok else "warn")

    def on_checkout_display_changed(self, shown) -> None:
        """The customer attached to the sale, in the status bar while there is one. The
        sales count steps aside meanwhile: at 1024 px the chips would not all fit, and the
        customer's name is what the cashier needs during the sale."""
        self.customer_chip.setVisible(shown.customer is not None)
        self.sales_chip.setVisible(shown.customer is None)
        attached = self.checkout_view.checkout.cart.customer
        self.customer_chip.setToolTip(attached.name if attached is not None else "")
        self.customer_chip.setText(shown.customer or "")

    # -- scanners ------------------------------------------------------------------------------

    def on_scanner_scanned(self, code: str) -> None:
        """Every scanner (wedge or serial) lands here. While a modal dialog is open the scan is
        that dialog's (returns, payment, the Devices test) or refused with a notice on it."""
        if self.devices_dialog is not None and self.devices_dialog.on_scanner_scanned(code):
            return
        if scan_to_modal(code):
            return
        if self.staff is not None and self.staff.locked:
            return  # nothing is rung up behind a locked screen
        log.info("scan %r went to the checkout", code)
        self.checkout_view.on_scanner_scanned(code)

    # -- printing ------------------------------------------------------------------------------

    def on_checkout_sale_completed(self, sale) -> None:
        """The sale is stored: the after-sale service runs its steps (sync, receipt and
        drawer, an app's payment request); the window shows what they did."""
        after = self.container.after_sale.sale_stored(sale, on_printed=self.bridge.on_print_done)
        self.sales_chip.setText(
            _("Sales saved: {sales_saved}").format(sales_saved=after.sales_saved)
        )
        if self.pos_api_bridge is not None:
            self.pos_api_bridge.on_sale_settled(after.app_request)

    def on_checkout_refund_completed(self, stored) -> None:
        after = self.container.after_sale.refund_stored(
            stored, on_printed=self.bridge.on_print_done
        )
        self.sales_chip.setText(
            _("Sales saved: {sales_saved}").format(sales_saved=after.sales_saved)
        )

    def on_printer_print_finished(self, outcome) -> None:
        view = self.checkout_view
        if outcome.status == "held":  # no receipt printer: a supported set-up, no question
            text = view.message.text()
            if text.endswith(_(PRINTING)):
                view.show_message(text.replace(_(PRINTING), _(NO_PRINTER_NOTE)))
            return
        if outcome.status == "printed":
            self._set_chip(self.printer_chip, _("Printer: ready"), "ok")
            text = view.message.text()
            if text.endswith(_(PRINTING)):
                view.show_message(text.replace(_(PRINTING), _("Receipt printed.")))
            return
        self._set_chip(self.printer_chip, _("Printer: problem"), "error")
        view.show_message(
            _("The sale is saved, but the receipt may not have printed: {error}").format(
                error=outcome.error
            ),
            error=True,
        )
        self.ask_about_unknown_receipts()

    def ask_about_unknown_receipts(self) -> None:
        """Nothing reprints by itself: the cashier looks at the printer and decides."""
        printing = self.container.printing
        for job_id, _sale_id, error in printing.undecided_jobs():
            box = QMessageBox(self)
            box.setWindowTitle(_("Receipt may not have printed"))
            box.setText(
                _(
                    "The printer failed during a receipt ({error}).\n\nFix the printer (paper, "
                    "cover, cable), then: did a complete receipt come out?"
                ).format(error=error)
            )
            reprint = box.addButton(_("No: reprint a copy"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(_("Yes, it printed"), QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is reprint:
                printing.reprint(job_id, on_done=self.bridge.on_print_done)
            else:
                printing.mark_printed_ok(job_id)

    def print_shelf_label(self, sku: str) -> None:
        """One shelf label for ``sku`` on the receipt printer (services.shelf_labels)."""
        service = self.container.shelf_labels
        job = service.print_job(service.labels(skus=[sku]), self.container.printing.columns)
        self.container.printing.print_document(
            job, "shelf_label", on_done=self.bridge.on_print_done
        )

    def on_reprint_triggered(self) -> None:
        try:
            self.container.printing.reprint(on_done=self.bridge.on_print_done)
        except LookupError as err:
            self.checkout_view.show_message(str(err), error=True)
            return
        self.checkout_view.show_message(_("Reprinting the last receipt (marked COPY)..."))

    def poll_printer_status(self) -> None:
        self.container.printing.check_status(self.bridge.on_printer_status)

    def on_printer_status_changed(self, status) -> None:
        state = {"ready": "ok", "warning": "warn"}.get(str(status.state), "error")
        self._set_chip(
            self.printer_chip, _("Printer: {state}").format(state=describe(status)), state
        )

    # -- other screens -------------------------------------------------------------------------

    def on_show_receipt_triggered(self) -> None:
        from .views.receipt_text_dialog import ReceiptTextDialog

        try:
            text = self.container.printing.receipt_text()
        except LookupError as err:
            self.checkout_view.show_message(str(err), error=True)
            return
        ReceiptTextDialog(text, self).exec()

    def on_printer_changed(self) -> None:
        """The Devices screen saved another printer (or none): the chip and polling follow."""
        if self.container.printing.has_printer:
            self._set_chip(self.printer_chip, _("Printer: ..."), "")
            self.status_timer.start(STATUS_POLL_MS)
            QTimer.singleShot(0, self.poll_printer_status)
        else:
            self.status_timer.stop()
            self._set_chip(self.printer_chip, _("Printer: none"), "")

    def on_devices_changed(self) -> None:
        """The Devices screen switched the terminal, scale or serial scanner: the screen
        follows (the scale weighs the next item, a new scanner's codes come here)."""
        self.checkout_view.weighing = self.container.weighing
        if (scanner := self.container.serial_scanner) is not None:
            scanner.on_scan = self.bridge.on_serial_scan
        terminal = _("ready") if self.container.cards.available else _("none")
        self.terminal_chip.setText(_("Card terminal: {terminal}").format(terminal=terminal))
        self.checkout_view.refresh()

    def approve_screen(self, action: Action, refusal: str):
        """The store's policy decides store-wide changes and quitting (``staff.MANAGER_SCREENS``;
        a manager's by default): the ``Approval`` token, or None after showing why not."""
        if self.staff is not None:
            return self.staff.approve_screen(action, refusal)
        try:  # no staff session: only a till with no users yet (setup) goes on
            return self.container.auth.authorize_setup(action)
        except DomainError:
            self.checkout_view.show_message(refusal, error=True)
            return None

    def on_store_settings_triggered(self) -> None:
        approval = self.approve_screen(
            Action.STORE_SETTINGS,
            "Only a manager can change the store settings: log in as a manager "
            "(Staff > Lock / switch cashier).",
        )
        if approval is None:
            return
        from .views.store_settings_dialog import StoreSettingsDialog

        dialog = StoreSettingsDialog(self.container, self, approval=approval)
        if dialog.exec() and dialog.saved is not None:
            self.setWindowTitle(
                _("{name} - till {terminal_id}").format(
                    name=dialog.saved.name, terminal_id=dialog.saved.terminal_id
                )
            )
            self.checkout_view.show_message(_("Store settings saved; the next sale uses them."))

    def on_quit_triggered(self) -> None:
        """Close the till: the receipts still queued print and the last sales are pushed
        (``Container.close``, run when the event loop ends)."""
        if (
            self.approve_screen(
                Action.CLOSE_TILL,
                "Only a manager can close the till: log in as a manager (Staff > Lock / switch "
                "cashier).",
            )
            is None
        ):
            return
        if not self.checkout_view.checkout.cart.is_empty:
            self.checkout_view.show_message(
                _("Finish or park the sale on screen before closing the till."), error=True
            )
            return
        self.status_timer.stop()
        if self.staff is not None:
            self.staff.idle.stop()
        QApplication.instance().quit()

    def on_devices_triggered(self) -> None:
        self.devices_dialog = DevicesDialog(self.container, self.tasks, self)
        self.devices_dialog.on_printer_changed = self.on_printer_changed
        self.devices_dialog.on_devices_changed = self.on_devices_changed
        try:
            self.devices_dialog.exec()
        finally:
            self.devices_dialog = None

    def resolve_unfinished_card_payments(self) -> None:
        """Put every card payment with an unknown outcome in front of the cashier."""
        for row in self.container.cards.open_payments():
            dialog = UnresolvedPaymentDialog(
                self.container.cards, row, self.container.settings.locale, self
            )
            dialog.exec()
            settlement = dialog.settlement
            if settlement is not None and settlement.sale is not None:
                self.checkout_view.sale_paid(settlement.sale, settlement.message)
            elif settlement is not None:
                self.checkout_view.show_message(settlement.message)
        self.checkout_view.refresh()
