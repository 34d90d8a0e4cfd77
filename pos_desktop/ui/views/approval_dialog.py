"""One-shot approval: what is being approved, the approver, their PIN and a reason code.

How to wire: before a sensitive action (or when a service raises ``ApprovalRequired``) open
``ApprovalDialog(auth, action, requester, detail="Line 3: Milk 1.20", object_id=line_id)``. It
calls ``auth.authorize`` and leaves the ``Approval`` token in ``dlg.result_value``; hand that
token to the service call. To approve something the service authorises itself (cash movements,
shift close), pass ``submit=lambda name, pin, reason: service_call(..., approver_name=name,
approver_pin=pin, reason=reason)``; its return value ends up in ``dlg.result_value``.

The approver list is the store policy's: a requester whose role may do the action comes first
and confirms with their own PIN; a second person is required when the store says so. A reason
chosen on the screen before (``reason=``) is not asked again. A locked approver is shown with
the time left.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.staff import Action, StaffMember, action_label, reasons_for
from pos_desktop.services.auth import AuthService
from pos_desktop.services.i18n import _

from .login_dialog import PinPad, pin_entry, show_error
from .policy_page import ROLE_TEXTS


class ApprovalDialog(QDialog):
    def __init__(
        self,
        auth: AuthService,
        action: Action,
        requester: StaffMember,
        detail: str = "",
        submit: Callable[[str, str, str], Any] | None = None,
        parent=None,
        *,
        object_id: str | None = None,
        reason: str | None = None,
        note: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Approval"))
        self.setModal(True)
        self.auth, self.action, self.requester = auth, action, requester
        self.object_id, self.note = object_id, note
        self.result_value: Any = None
        self.detail_text = detail
        # Not ``submit or self._authorize``: a bound method kept on the dialog is a reference
        # cycle that only the garbage collector frees, later, after Qt deleted the dialog.
        self._submit = submit
        self.layout_ = QVBoxLayout(self)
        what = QLabel(_("Approve: {action}").format(action=_(action_label(action))))
        what.setObjectName("totalCaption")
        who = QLabel(
            _("Requested by {name}").format(name=requester.name) + (f"\n{detail}" if detail else "")
        )
        who.setWordWrap(True)
        self.approver = QComboBox()
        self.approver.setAccessibleName("Approver")
        self._members = {m.name: m for m in auth.approvers_for(action, requester)}
        for member in self._members.values():
            mine = _(" - you, with your own PIN") if member.user_id == requester.user_id else ""
            role = _(ROLE_TEXTS[member.role])
            self.approver.addItem(f"{member.name} ({role}){mine}", member.name)
        self.reason = QComboBox()
        self.reason.setAccessibleName("Reason")
        for choice in reasons_for(action):
            self.reason.addItem(_(choice.label), choice.code)
        if reason:  # chosen on the screen that asked: not asked twice
            self.reason.setCurrentIndex(max(self.reason.findData(reason), 0))
        self.pin = pin_entry()
        self.pin.returnPressed.connect(self.approve)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        cancel = QPushButton(_("Cancel (Esc)"))
        cancel.clicked.connect(self.reject)
        # Not the dialog's default button: Enter in the PIN field approves (a wrong PIN stays
        # open for another try) instead of also clicking Cancel. Esc still cancels.
        cancel.setAutoDefault(False)
        self.reason_caption = QLabel(_("Reason"))
        self.layout_.addWidget(what)
        self.layout_.addWidget(who)
        self._add_before_approver()
        for widget in (
            QLabel(_("Approver")),
            self.approver,
            self.reason_caption,
            self.reason,
            QLabel(_("PIN")),
            self.pin,
        ):
            self.layout_.addWidget(widget)
        if reason or not self.reason.count():
            self.reason_caption.hide()
            self.reason.hide()
        self.layout_.addWidget(PinPad(self.pin, self.approve))
        self.layout_.addWidget(self.message)
        row = QHBoxLayout()
        row.addWidget(cancel)
        self.layout_.addLayout(row)
        self.approver.currentIndexChanged.connect(self.show_lock_state)
        if not self._members:
            show_error(
                self.message,
                _(
                    "Nobody on this till may approve this; an admin adds a manager with "
                    "'pos-admin users add NAME --role manager --pin PIN'."
                ),
            )
        self.show_lock_state()
        self.pin.setFocus()

    def _add_before_approver(self) -> None:
        """Room for subclasses (the unlock dialog's user list)."""

    def show_lock_state(self) -> None:
        """Say so at once when the chosen approver is locked, with the time left."""
        name = self.approver.currentData()
        member = self.auth.users.by_name(name) if name else None
        if member is not None and member.locked_at(self.auth.clock_now()):
            show_error(self.message, self.auth.locked_text(member))

    def _authorize(self, name: str, pin: str, reason: str):
        return self.auth.authorize(
            self.action,
            self.requester,
            pin,
            reason,
            approver_name=name,
            object_id=self.object_id,
            note=self.note,
        )

    def approve(self) -> None:
        name = self.approver.currentData()
        if not name:
            show_error(self.message, _("Nobody on this till may approve this; ask an admin."))
            return
        try:
            submit = self._submit or self._authorize
            self.result_value = submit(name, self.pin.text(), self.reason.currentData())
        except DomainError as err:
            self.pin.clear()
            show_error(self.message, str(err))
            return
        self.accept()


class UnlockDialog(ApprovalDialog):
    """Staff > Unlock user: a manager or admin lifts another user's lockout with their PIN."""

    def __init__(self, auth: AuthService, requester: StaffMember, parent=None) -> None:
        self.locked_user = QComboBox()
        self.locked_user.setAccessibleName("Locked user")
        for member in auth.locked_users():
            left = member.minutes_locked(auth.clock_now())
            self.locked_user.addItem(f"{member.name} (locked, {left} min left)", member.name)
        super().__init__(auth, Action.UNLOCK_USER, requester, "", parent=parent)
        self.setWindowTitle(_("Unlock a user"))
        self.unlocked: StaffMember | None = None

    def _add_before_approver(self) -> None:
        self.layout_.addWidget(QLabel(_("Unlock")))
        self.layout_.addWidget(self.locked_user)

    def _authorize(self, name: str, pin: str, reason: str):
        locked = self.auth.users.by_name(self.locked_user.currentData() or "")
        if locked is None:
            raise DomainError("Nobody is locked.")
        approval = self.auth.authorize(
            Action.UNLOCK_USER, self.requester, pin, approver_name=name, object_id=locked.user_id
        )
        self.unlocked = self.auth.unlock(locked.name, approval)
        return approval
