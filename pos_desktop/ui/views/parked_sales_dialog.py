"""Parked sales: pick one to recall (Enter) or drop it (Del: confirm, then an approval); Esc
goes back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.domain.staff import Action
from pos_desktop.services.formatting import local_time_text, money_text
from pos_desktop.services.i18n import _, ngettext
from pos_desktop.services.parking import ParkedSale, ParkingService


class ParkedSalesDialog(QDialog):
    """``recalled`` is the parked sale put back on the till, if any."""

    def __init__(self, parking: ParkingService, locale: str, parent=None, *, approver=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Parked sales"))
        self.setModal(True)
        self.parking = parking
        self.locale = locale
        self.approver = approver  # (action, detail, object_id=...) -> Approval | None
        self.recalled: ParkedSale | None = None
        self.list = QListWidget()
        self.list.setObjectName("parkedList")
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        recall = QPushButton(_("Recall (Enter)"))
        recall.setObjectName("payButton")
        recall.setDefault(True)
        recall.clicked.connect(self.on_recall_clicked)
        drop = QPushButton(_("Drop parked sale (Del)"))
        drop.clicked.connect(self.on_drop_clicked)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self, self.on_drop_clicked)
        back = QPushButton(_("Back (Esc)"))
        back.clicked.connect(self.reject)
        row = QHBoxLayout()
        for b in (back, drop, recall):
            b.setMinimumHeight(56)
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.list.itemActivated.connect(lambda _item: self.on_recall_clicked())
        self._sales: list[ParkedSale] = []
        self.reload()
        self.resize(640, 480)

    def reload(self) -> None:
        self._sales = self.parking.list_parked()
        self.list.clear()
        for p in self._sales:
            total = money_text(Money(p.total_minor, p.currency), self.locale)
            source = "" if p.source == "till" else f" [{p.source} {p.reference or ''}]"
            lines = ngettext("{count} line", "{count} lines", p.line_count).format(
                count=p.line_count
            )
            self.list.addItem(
                f"{p.label}{source}  -  {lines}  {total}  ({local_time_text(p.created_at)})"
            )
        if self._sales:
            self.list.setCurrentRow(0)
        else:
            self.message.setText(_("No sales are parked."))

    def _selected(self) -> ParkedSale | None:
        row = self.list.currentRow()
        return self._sales[row] if 0 <= row < len(self._sales) else None

    def on_recall_clicked(self) -> None:
        parked = self._selected()
        if parked is None:
            return
        try:
            self.parking.recall(parked.id, approve=getattr(self.parent(), "approver", None))
        except DomainError as err:
            self.message.setText(str(err))
            return
        self.recalled = parked
        self.accept()

    def on_drop_clicked(self) -> None:
        parked = self._selected()
        if parked is None:
            return
        total = money_text(Money(parked.total_minor, parked.currency), self.locale)
        what = f"parked sale '{parked.label}' ({total})"
        answer = QMessageBox.question(
            self,
            _("Drop parked sale"),
            _("Drop the parked sale '{label}' ({total}) for good?").format(
                label=parked.label, total=total
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        approval = None
        if self.approver is not None:
            approval = self.approver(Action.DROP_PARKED_SALE, f"Drop {what}", object_id=parked.id)
        if approval is None:
            self.message.setText(
                _("The parked sale '{label}' ({total}) was not dropped: not approved.").format(
                    label=parked.label, total=total
                )
            )
            return
        try:
            self.parking.cancel(parked.id, approval)
        except DomainError as err:
            self.message.setText(str(err))
            return
        self.reload()
        self.message.setText(
            _("Dropped the parked sale '{label}' ({total}).").format(
                label=parked.label, total=total
            )
        )
