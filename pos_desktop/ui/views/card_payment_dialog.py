"""Card payment: "present card", elapsed time, the outcome; unknown outcomes resolved here.

Concert V2 cannot be cancelled from the till: the cancel button explains that the customer or
the cashier presses the red key on the terminal, and the terminal then answers "cancelled".
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from pos_desktop.services.card_payments import CardAttempt, CardPaymentService, CardSettlement
from pos_desktop.services.formatting import money_text
from pos_desktop.services.i18n import N_, _

CANCEL_HELP = N_(
    "To cancel, press the red (X) key on the card terminal. The till cannot stop a payment the "
    "terminal is already running; it waits for the terminal's answer so nobody is charged twice."
)
RESOLVE_QUESTION = N_(
    "The terminal's answer was lost, so the till does not know whether the card was charged.\n"
    "Look at the terminal's screen or its printed ticket for reference {ref}: was it APPROVED?"
)


class _Relay(QObject):
    progressed = Signal(str)
    finished = Signal(object)


class ResolvePanel(QVBoxLayout):
    """Two big answers to "was it approved on the terminal's ticket?"."""

    def __init__(self, on_answer) -> None:
        super().__init__()
        self.approved_button = QPushButton(_("Ticket says APPROVED"))
        self.approved_button.setObjectName("payButton")
        self.declined_button = QPushButton(_("Ticket says NOT approved / no ticket"))
        self.approved_button.clicked.connect(lambda: on_answer(True))
        self.declined_button.clicked.connect(lambda: on_answer(False))
        # The ticket's authorisation code goes on the receipt (a Concert answer has none).
        self.auth_code = QLineEdit()
        self.auth_code.setPlaceholderText(_("Auth code on the ticket (optional)"))
        self.auth_code.setAccessibleName(_("Authorisation code"))
        self.auth_code.setMaxLength(12)
        self.addWidget(self.auth_code)
        row = QHBoxLayout()
        row.addWidget(self.declined_button)
        row.addWidget(self.approved_button)
        self.addLayout(row)

    def set_visible(self, visible: bool) -> None:
        self.approved_button.setVisible(visible)
        self.declined_button.setVisible(visible)
        self.auth_code.setVisible(visible)

    def typed_auth_code(self) -> str | None:
        return self.auth_code.text().strip() or None


class CardPaymentDialog(QDialog):
    """Runs one card payment. ``settlement`` holds the outcome when the dialog closes."""

    def __init__(
        self, cards: CardPaymentService, attempt: CardAttempt, locale: str, parent=None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Card payment"))
        self.setModal(True)
        self.cards = cards
        self.attempt = attempt
        self.settlement: CardSettlement | None = None
        self._started = time.monotonic()
        self._relay = _Relay(self)
        self._relay.progressed.connect(self.on_terminal_progressed)
        self._relay.finished.connect(self.on_terminal_finished)

        amount = QLabel(money_text(attempt.amount, locale, symbol=True))
        amount.setObjectName("totalLabel")
        self.status = QLabel(_("Present, insert or tap the card on the terminal."))
        self.status.setObjectName("totalCaption")
        self.status.setWordWrap(True)
        self.elapsed = QLabel()
        self.help = QLabel()
        self.help.setObjectName("message")
        self.help.setWordWrap(True)
        self.cancel_button = QPushButton(_("Cancel..."))
        self.cancel_button.clicked.connect(self.on_cancel_clicked)
        self.close_button = QPushButton(_("Close (Enter)"))
        self.close_button.clicked.connect(self.accept)
        self.close_button.hide()
        self.resolve = ResolvePanel(self.on_resolve_answered)
        self.resolve.set_visible(False)

        layout = QVBoxLayout(self)
        title = _("Card payment  (reference {reference})").format(reference=attempt.reference)
        layout.addWidget(QLabel(title))
        layout.addWidget(amount)
        layout.addWidget(self.status)
        layout.addWidget(self.elapsed)
        layout.addWidget(self.help)
        layout.addLayout(self.resolve)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)
        self._clock.start(1000)
        self._tick()
        self.resize(620, 380)
        future = cards.run(attempt, on_progress=self._relay.progressed.emit)
        future.add_done_callback(lambda f: self._relay.finished.emit(f.result()))

    def _tick(self) -> None:
        seconds = int(time.monotonic() - self._started)
        waited = f"{seconds // 60}:{seconds % 60:02d}"
        self.elapsed.setText(_("Waiting for the customer: {time}").format(time=waited))

    def on_terminal_progressed(self, text: str) -> None:
        self.status.setText(text[:1].upper() + text[1:])

    def on_cancel_clicked(self) -> None:
        self.help.setText(_(CANCEL_HELP))

    def reject(self) -> None:  # Esc must not abandon a running payment
        if self.settlement is None and not self.resolve.approved_button.isVisible():
            self.on_cancel_clicked()
            return
        if self.settlement is not None:
            super().reject()

    def on_terminal_finished(self, result) -> None:
        self._clock.stop()
        self.cancel_button.hide()
        settlement = self.cards.settle(self.attempt, result)
        if settlement.outcome == "unknown":
            self.status.setText(_(RESOLVE_QUESTION).format(ref=self.attempt.reference))
            self.help.setText(settlement.message)
            self.resolve.set_visible(True)
            return
        self._finish(settlement)

    def on_resolve_answered(self, approved: bool) -> None:
        self.resolve.set_visible(False)
        self._finish(
            self.cards.resolve(
                self.attempt.payment_id,
                approved=approved,
                auth_code=self.resolve.typed_auth_code() if approved else None,
            )
        )

    def _finish(self, settlement: CardSettlement) -> None:
        self.settlement = settlement
        self.status.setText(settlement.message)
        self.help.setText("")
        self.close_button.show()
        self.close_button.setDefault(True)
        self.close_button.setFocus(Qt.FocusReason.OtherFocusReason)
        if settlement.outcome == "approved":
            QTimer.singleShot(800, self.accept)  # the cashier sees "approved", then it closes


class UnresolvedPaymentDialog(QDialog):
    """At start-up (or before the next card payment): a payment whose outcome is unknown."""

    def __init__(self, cards: CardPaymentService, row, locale: str, parent=None) -> None:
        super().__init__(parent)
        from pos_desktop.domain.money import Money

        self.setWindowTitle(_("Unfinished card payment"))
        self.setModal(True)
        self.cards = cards
        self.row = row
        self.settlement: CardSettlement | None = None
        amount = money_text(Money(row.amount_minor, row.currency), locale, symbol=True)
        started = row.created_at[:16].replace("T", " ")
        text = QLabel(
            _(
                "A card payment of {amount} (reference {reference}, started {started} UTC) has "
                "no known outcome: the till stopped or lost the terminal's answer."
            ).format(amount=amount, reference=row.reference, started=started)
            + "\n\n"
            + _(RESOLVE_QUESTION).format(ref=row.reference)
            + "\n\n"
            + _(
                "Approved: the sale is saved and its receipt printed. Not approved: nothing "
                "is charged and nothing is saved."
            )
        )
        text.setWordWrap(True)
        self.resolve = ResolvePanel(self.on_resolve_answered)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(self.resolve)
        self.resize(640, 360)

    def on_resolve_answered(self, approved: bool) -> None:
        self.settlement = self.cards.resolve(
            self.row.id,
            approved=approved,
            auth_code=self.resolve.typed_auth_code() if approved else None,
        )
        self.accept()

    def reject(self) -> None:  # must be answered: Esc does nothing
        pass
