"""The till's main window: checkout in the middle, device state along the bottom."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QWidget

from pos_desktop.container import Container

from .device_bridge import DeviceBridge
from .views.card_payment_dialog import UnresolvedPaymentDialog
from .views.checkout_view import CheckoutView
from .widgets.receipt_preview import ReceiptPreview


class MainWindow(QMainWindow):
    def __init__(self, container: Container, bridge: DeviceBridge, *, demo: bool = False) -> None:
        super().__init__()
        self.container = container
        self.bridge = bridge
        settings = container.settings
        self.setWindowTitle(
            f"{settings.name} - till {settings.terminal_id}" + ("  [DEMO]" if demo else "")
        )
        self.checkout_view = CheckoutView(
            container.checkout, settings.locale, self, cards=container.cards
        )
        self.receipt_preview: ReceiptPreview | None = ReceiptPreview(self) if demo else None

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.checkout_view, 3)
        if self.receipt_preview is not None:
            layout.addWidget(self.receipt_preview, 2)
            bridge.printer_bytes_received.connect(self.receipt_preview.show_job)
        self.setCentralWidget(central)

        terminal = "none" if container.config.terminal is None else "ready"
        self.terminal_chip = self._chip(f"Card terminal: {terminal}")
        self.printer_chip = self._chip(
            "Printer: " + ("none" if container.config.printer is None else "ready")
        )
        self.sales_chip = self._chip("")
        self.statusBar().addPermanentWidget(self.terminal_chip)
        self.statusBar().addPermanentWidget(self.printer_chip)
        self.statusBar().addPermanentWidget(self.sales_chip)
        self._update_sales_chip()

        self.checkout_view.sale_completed.connect(self.on_checkout_sale_completed)
        bridge.print_finished.connect(self.on_printer_print_finished)
        self.checkout_view.entry.setFocus(Qt.FocusReason.OtherFocusReason)

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

    def _chip(self, text: str) -> QLabel:
        chip = QLabel(text)
        chip.setObjectName("statusChip")
        return chip

    def _set_chip(self, chip: QLabel, text: str, state: str) -> None:
        chip.setText(text)
        chip.setProperty("state", state)
        chip.style().unpolish(chip)
        chip.style().polish(chip)

    def _update_sales_chip(self) -> None:
        self.sales_chip.setText(f"Sales saved: {self.container.sales.count()}")

    def on_checkout_sale_completed(self, sale) -> None:
        self._update_sales_chip()
        self.container.printing.print_sale(sale, on_done=self.bridge.on_print_done)

    def on_printer_print_finished(self, outcome) -> None:
        view = self.checkout_view
        if outcome.status == "printed":
            self._set_chip(self.printer_chip, "Printer: ready", "ok")
            if view.message.text().endswith("Printing receipt..."):
                view.show_message(
                    view.message.text().replace("Printing receipt...", "Receipt printed.")
                )
        else:
            self._set_chip(self.printer_chip, "Printer: problem", "error")
            view.show_message(
                f"The sale is saved, but the receipt may not have printed: {outcome.error}. "
                "Check the printer (paper, cover, cable), then reprint if needed.",
                error=True,
            )
