"""Shift dialogs: open with a float count, cash movement, blind-count close, X/Z report viewer.

Used with the container's ``ShiftService``/``AuthService`` and the logged-in
``StaffMember``:
  ``OpenShiftDialog(shifts, user, locale)``; on accept ``dlg.shift`` is open.
  ``CashMovementDialog(shifts, auth, user, "paid_in"|"paid_out"|"drop"|"no_sale", locale)``;
  asks for a manager approval in place when the user lacks the permission.
  ``CloseShiftDialog(shifts, auth, user, locale)``: blind count; recount and approval handled;
  on accept ``dlg.z_report`` holds the Z. Show it with ``ReportViewerDialog(report, locale,
  print_report=lambda r: printing_port.print_job(ReportPrinter(locale).job(r)))``.
Service calls run inline (each is one short transaction); wrap them in the TaskRunner if a
shift gets big enough for the report to be felt.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.cash import CashCount
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.domain.staff import Action, StaffMember, action_label, reasons_for
from pos_desktop.services.auth import ApprovalRequired, AuthService
from pos_desktop.services.formatting import money_text
from pos_desktop.services.i18n import _
from pos_desktop.services.report_layout import build_layout
from pos_desktop.services.report_pdf import write_report_pdf
from pos_desktop.services.reports import ShiftReport
from pos_desktop.services.shifts import RecountRequired, ShiftService

from ..widgets.number_pad import NumberPad
from ..widgets.report_view import ReportView
from .approval_dialog import ApprovalDialog
from .login_dialog import show_error

KIND_ACTIONS = {
    "paid_in": Action.PAID_IN,
    "paid_out": Action.PAID_OUT,
    "drop": Action.CASH_DROP,
    "no_sale": Action.NO_SALE,
}


class CountField(QLineEdit):
    """How many of one note or coin: a whole number typed, or tapped on the count's pad."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setValidator(QIntValidator(0, 9999, self))
        self.setPlaceholderText("0")
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setMinimumHeight(44)

    def value(self) -> int:
        return int(self.text()) if self.text() else 0

    def setValue(self, value: int) -> None:  # noqa: N802 (as a spin box says it)
        self.setText(str(value) if value else "")


class DenominationCount(QWidget):
    """One count field per note/coin and a number pad for the field last touched;
    ``count()`` returns the CashCount."""

    def __init__(self, shifts: ShiftService, locale: str, parent=None) -> None:
        super().__init__(parent)
        self.currency = shifts.settings.currency
        self.locale = locale
        self.spins: dict[int, CountField] = {}
        grid = QGridLayout()
        for i, value in enumerate(shifts.denominations):
            field = CountField()
            field.setAccessibleName(
                _("Count of {value}").format(value=money_text(Money(value, self.currency), locale))
            )
            field.textChanged.connect(self._update)
            field.installEventFilter(self)
            grid.addWidget(
                QLabel(money_text(Money(value, self.currency), locale)), i // 3, (i % 3) * 2
            )
            grid.addWidget(field, i // 3, (i % 3) * 2 + 1)
            self.spins[value] = field
        self.total = QLabel()
        self.total.setObjectName("subtotalLabel")
        grid.addWidget(self.total, grid.rowCount(), 0, 1, 6)
        first = next(iter(self.spins.values()))
        self.pad = NumberPad(first)
        self.pad.buttons["."].setEnabled(False)  # counts are whole numbers
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(grid, 3)
        row.addWidget(self.pad, 1, Qt.AlignmentFlag.AlignTop)
        self._update()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, CountField):
            self.pad.set_entry(watched)  # the pad types where the finger (or Tab) went
            QTimer.singleShot(0, watched.selectAll)  # the next digit replaces the count
        return False

    def count(self) -> CashCount:
        return CashCount(
            self.currency, tuple((v, s.value()) for v, s in self.spins.items() if s.value())
        )

    def clear(self) -> None:
        for spin in self.spins.values():
            spin.setValue(0)

    def _update(self) -> None:
        # The counted total only: a blind count never shows what the till expects.
        self.total.setText(
            _("Counted: {amount}").format(amount=money_text(self.count().total(), self.locale))
        )


def _message() -> QLabel:
    label = QLabel()
    label.setObjectName("message")
    label.setWordWrap(True)
    return label


def _buttons(dialog: QDialog, ok_text: str, on_ok) -> QHBoxLayout:
    ok = QPushButton(ok_text)
    ok.setObjectName("payButton")
    ok.setDefault(True)
    ok.clicked.connect(on_ok)
    cancel = QPushButton(_("Cancel (Esc)"))
    cancel.clicked.connect(dialog.reject)
    row = QHBoxLayout()
    row.addWidget(cancel)
    row.addWidget(ok, 2)
    dialog.ok_button = ok  # type: ignore[attr-defined]
    return row


class OpenShiftDialog(QDialog):
    def __init__(self, shifts: ShiftService, user: StaffMember, locale: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Open shift: count the float"))
        self.shifts, self.user, self.shift = shifts, user, None
        self.counter = DenominationCount(shifts, locale)
        self.message = _message()
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(_("{name}, count the notes and coins in the drawer.").format(name=user.name))
        )
        layout.addWidget(self.counter)
        layout.addWidget(self.message)
        layout.addLayout(_buttons(self, _("Open shift"), self.submit))

    def submit(self) -> None:
        try:
            self.shift = self.shifts.open_shift(self.user, self.counter.count())
        except DomainError as err:
            show_error(self.message, str(err))
            return
        self.accept()


class CashMovementDialog(QDialog):
    def __init__(
        self,
        shifts: ShiftService,
        auth: AuthService,
        user: StaffMember,
        kind: str,
        locale: str,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.action = KIND_ACTIONS[kind]
        self.setWindowTitle(_(action_label(self.action)))
        self.shifts, self.auth, self.user, self.kind = shifts, auth, user, kind
        self.movement = None
        self.amount = QLineEdit()
        self.amount.setObjectName("scanEntry")
        self.amount.setAccessibleName(_("Amount"))
        self.reason = QComboBox()
        for reason in reasons_for(self.action):
            self.reason.addItem(_(reason.label), reason.code)
        self.note = QLineEdit()
        self.note.setAccessibleName(_("Note"))
        self.message = _message()
        layout = QVBoxLayout(self)
        if kind != "no_sale":
            layout.addWidget(
                QLabel(_("Amount ({currency})").format(currency=shifts.settings.currency))
            )
            layout.addWidget(self.amount)
        layout.addWidget(QLabel(_("Reason")))
        layout.addWidget(self.reason)
        layout.addWidget(QLabel(_("Note")))
        layout.addWidget(self.note)
        layout.addWidget(self.message)
        layout.addLayout(_buttons(self, _(action_label(self.action)), self.submit))

    def _call(self, approver_name=None, approver_pin=None, reason=None):
        amount = None
        if self.kind != "no_sale":
            amount = Money.parse(self.amount.text(), self.shifts.settings.currency)
        movement, _ = self.shifts.cash_movement(
            self.kind,
            self.user,
            amount,
            reason or self.reason.currentData(),
            approver_pin=approver_pin,
            approver_name=approver_name,
            note=self.note.text(),
        )
        return movement

    def submit(self) -> None:
        try:
            self.movement = self._call()
        except ApprovalRequired:
            dialog = ApprovalDialog(
                self.auth,
                self.action,
                self.user,
                self.amount.text(),
                submit=lambda n, p, r: self._call(n, p, r),
                parent=self,
                reason=self.reason.currentData(),  # chosen here: not asked twice
            )
            if not dialog.exec():
                return
            self.movement = dialog.result_value
        except (DomainError, ValueError) as err:
            show_error(self.message, str(err))
            return
        self.accept()


class CloseShiftDialog(QDialog):
    """Blind count: the expected amount is never shown before the shift is closed."""

    approval_dialog_factory = ApprovalDialog  # tests replace it to answer the dialog

    def __init__(
        self, shifts: ShiftService, auth: AuthService, user: StaffMember, locale: str, parent=None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Close shift: count the drawer"))
        self.shifts, self.auth, self.user = shifts, auth, user
        self.z_report: ShiftReport | None = None
        self.counter = DenominationCount(shifts, locale)
        self.message = _message()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Count every note and coin in the drawer, then close.")))
        layout.addWidget(self.counter)
        layout.addWidget(self.message)
        layout.addLayout(_buttons(self, _("Close shift"), self.submit))

    def _close(self, name=None, pin=None, reason=None) -> ShiftReport:
        return self.shifts.close_shift(
            self.user, self.counter.count(), approver_name=name, approver_pin=pin, reason=reason
        )

    def submit(self) -> None:
        try:
            self.z_report = self._close()
        except RecountRequired as err:
            self.counter.clear()
            show_error(self.message, str(err))
            return
        except ApprovalRequired:
            dialog = self.approval_dialog_factory(
                self.auth,
                Action.CLOSE_SHIFT_VARIANCE,
                self.user,
                _("The recount still differs from the till."),
                submit=self._close,
                parent=self,
            )
            if not dialog.exec():
                return
            self.z_report = dialog.result_value
        except DomainError as err:
            show_error(self.message, str(err))
            return
        self.accept()


class ReportViewerDialog(QDialog):
    """Shows an X or Z report, laid out as printed, with Print and Save-as-PDF buttons."""

    def __init__(
        self,
        report: ShiftReport,
        locale: str,
        print_report: Callable[[ShiftReport], None] | None = None,
        ask_pdf_path: Callable[[], str] | None = None,
        parent=None,
        *,
        store_name: str = "",
        store_address: str = "",
    ) -> None:
        super().__init__(parent)
        kind = (
            _("Z report {number}").format(number=report.data.get("z_number"))
            if report.kind == "Z"
            else _("X report")
        )
        self.setWindowTitle(kind)
        self.report, self.locale = report, locale
        self._store = {"store_name": store_name, "store_address": store_address}
        self._print = print_report
        self._ask = ask_pdf_path or self._ask_file
        self.layout_model = build_layout(report.data, locale, **self._store)
        self.view = ReportView(self.layout_model)
        self.message = _message()
        self.print_button = QPushButton(_("Print"))
        self.print_button.setEnabled(print_report is not None)
        self.print_button.clicked.connect(self.print_now)
        self.pdf_button = QPushButton(_("Save PDF"))
        self.pdf_button.clicked.connect(self.save_pdf)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        for b in (self.print_button, self.pdf_button, close):
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(self.message)
        layout.addLayout(row)
        screen = self.screen().availableGeometry()  # its title bar must stay on a 768 px screen
        self.resize(min(640, screen.width()), min(760, screen.height() - 48))

    def _ask_file(self) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save report as PDF"), "report.pdf", "PDF (*.pdf)"
        )
        return path

    def print_now(self) -> None:
        try:
            self._print(self.report)  # type: ignore[misc]
        except Exception as err:  # a printer failure is shown, never retried by itself
            show_error(
                self.message,
                _("Printing failed: {error}. Check the printer, then reprint.").format(error=err),
            )
            return
        self.message.setText(_("Sent to the printer."))

    def save_pdf(self) -> None:
        path = self._ask()
        if not path:
            return
        try:
            write_report_pdf(self.report.data, Path(path), self.locale, **self._store)
        except OSError as err:
            show_error(
                self.message, _("Could not save {path}: {error}").format(path=path, error=err)
            )
            return
        self.message.setText(_("Saved {path}").format(path=path))
