"""One-shot approval: what is being approved, the approver, their PIN and a reason code.

How to wire: when a service raises ``ApprovalRequired`` (or before a sensitive action), open
``ApprovalDialog(auth, action, requester, detail="Line 3: Milk 1.20")``. By default it calls
``auth.authorize`` and leaves the ``Approval`` in ``dlg.result_value``. To approve something the
service authorises itself (cash movements, shift close), pass ``submit=lambda name, pin, reason:
service_call(..., approver_name=name, approver_pin=pin, reason=reason)``; its return value ends up
in ``dlg.result_value``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.staff import Action, StaffMember, action_label, reasons_for
from pos_desktop.services.auth import AuthService

from .login_dialog import PinPad, pin_entry, show_error


class ApprovalDialog(QDialog):
    def __init__(
        self,
        auth: AuthService,
        action: Action,
        requester: StaffMember,
        detail: str = "",
        submit: Callable[[str, str, str], Any] | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Manager approval")
        self.setModal(True)
        self.auth, self.action, self.requester = auth, action, requester
        self.result_value: Any = None
        self._submit = submit or self._authorize
        what = QLabel(f"Approve: {action_label(action)}")
        what.setObjectName("totalCaption")
        who = QLabel(f"Requested by {requester.name}" + (f"\n{detail}" if detail else ""))
        who.setWordWrap(True)
        self.approver = QComboBox()
        self.approver.setAccessibleName("Approver")
        for member in auth.approvers_for(action):
            if member.name != requester.name:
                self.approver.addItem(f"{member.name} ({member.role.value})", member.name)
        self.reason = QComboBox()
        self.reason.setAccessibleName("Reason")
        for reason in reasons_for(action):
            self.reason.addItem(reason.label, reason.code)
        self.pin = pin_entry()
        self.pin.returnPressed.connect(self.approve)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        cancel = QPushButton("Cancel (Esc)")
        cancel.clicked.connect(self.reject)
        # Not the dialog's default button: Enter in the PIN field approves (a wrong PIN stays
        # open for another try) instead of also clicking Cancel. Esc still cancels.
        cancel.setAutoDefault(False)
        layout = QVBoxLayout(self)
        for widget in (
            what,
            who,
            QLabel("Approver"),
            self.approver,
            QLabel("Reason"),
            self.reason,
            QLabel("Approver PIN"),
            self.pin,
        ):
            layout.addWidget(widget)
        layout.addWidget(PinPad(self.pin, self.approve))
        layout.addWidget(self.message)
        row = QHBoxLayout()
        row.addWidget(cancel)
        layout.addLayout(row)
        self.pin.setFocus()

    def _authorize(self, name: str, pin: str, reason: str):
        return self.auth.authorize(self.action, self.requester, pin, reason, approver_name=name)

    def approve(self) -> None:
        name = self.approver.currentData()
        if not name:
            show_error(self.message, "Nobody on this till may approve this; ask an admin.")
            return
        try:
            self.result_value = self._submit(name, self.pin.text(), self.reason.currentData())
        except DomainError as err:
            self.pin.clear()
            show_error(self.message, str(err))
            return
        self.accept()
