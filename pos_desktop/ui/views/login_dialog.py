"""PIN login and fast cashier switch: pick your name, type the PIN on the pad or the keyboard.

How to wire: ``dlg = LoginDialog(container_auth, parent=window)``; ``if dlg.exec(): user =
dlg.user`` then set ``checkout.cashier = user.name``. Use the same dialog for the idle screen lock
(``LoginDialog(auth, locked_user=current)`` pre-selects the user). PIN digits are typed slowly,
so the keyboard-wedge filter never mistakes them for a scan; the field only accepts digits, so
control characters never get in.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.staff import StaffMember
from pos_desktop.services.auth import AuthService
from pos_desktop.services.i18n import _


def pin_entry(parent: QWidget | None = None) -> QLineEdit:
    """A masked field that takes 0-8 digits only."""
    entry = QLineEdit(parent)
    entry.setEchoMode(QLineEdit.EchoMode.Password)
    entry.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,8}"), entry))
    entry.setMaxLength(8)
    entry.setObjectName("scanEntry")
    entry.setAccessibleName("PIN")
    return entry


class PinPad(QWidget):
    """Big digit buttons that type into ``entry``; ``Enter`` clicks ``on_enter``."""

    def __init__(self, entry: QLineEdit, on_enter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        grid = QGridLayout(self)
        self.buttons: dict[str, QPushButton] = {}
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "Clear", "0", "Enter"]
        for i, key in enumerate(keys):
            button = QPushButton(key)
            button.setMinimumSize(88, 72)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the PIN field keeps the keyboard
            if key == "Clear":
                button.clicked.connect(lambda: self.entry.clear())
            elif key == "Enter":
                button.setObjectName("payButton")
                button.clicked.connect(on_enter)
            else:  # ``self.entry``: a form with two PIN fields moves the pad between them
                button.clicked.connect(lambda _=False, d=key: self.entry.insert(d))
            grid.addWidget(button, i // 3, i % 3)
            self.buttons[key] = button


def show_error(label: QLabel, text: str) -> None:
    label.setProperty("kind", "error")
    label.setText(text)
    label.style().unpolish(label)
    label.style().polish(label)


class LoginDialog(QDialog):
    def __init__(
        self, auth: AuthService, locked_user: StaffMember | None = None, parent=None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Screen locked") if locked_user else _("Log in"))
        self.setModal(True)
        self.auth = auth
        self.user: StaffMember | None = None
        self.names = QComboBox()
        self.names.setAccessibleName("User")
        for member in auth.list_users(active_only=True):
            self.names.addItem(f"{member.name} ({member.role.value})", member.name)
        if locked_user is not None:
            self.names.setCurrentIndex(max(self.names.findData(locked_user.name), 0))
        self.pin = pin_entry()
        self.pin.returnPressed.connect(self.submit)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.pad = PinPad(self.pin, self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Who are you?")))
        layout.addWidget(self.names)
        layout.addWidget(QLabel(_("PIN")))
        layout.addWidget(self.pin)
        layout.addWidget(self.pad)
        layout.addWidget(self.message)
        self.names.currentIndexChanged.connect(self.show_lock_state)
        self.show_lock_state()
        self.pin.setFocus()

    def show_lock_state(self) -> None:
        """A locked user sees at once until when, and who can unlock them."""
        member = self.auth.users.by_name(self.names.currentData() or "")
        if member is not None and member.locked_at(self.auth.clock_now()):
            show_error(self.message, self.auth.locked_text(member))
        elif self.message.property("kind") == "error":
            self.message.clear()

    def submit(self) -> None:
        name = self.names.currentData()
        if not name:
            show_error(
                self.message, _("No users yet: an admin adds them with 'pos-admin users add'.")
            )
            return
        try:
            self.user = self.auth.login(name, self.pin.text())
        except DomainError as err:
            self.pin.clear()
            show_error(self.message, str(err))
            return
        self.accept()
