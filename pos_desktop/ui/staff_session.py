"""Who is at the till: login, cashier switch, idle screen lock, approvals, shift and cash menus.

The checkout screen asks ``approve(action, detail, object_id=...)`` before a sensitive action;
this opens the approval dialog (approver, PIN, reason) and returns the ``Approval`` token the
service demands (None when nobody approved). The audit log records requester and approver.
A till with no users refuses every sensitive action (there is nobody to approve it) and says how
to add a manager. Scans are ignored while the screen is locked.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.staff import Action
from pos_desktop.services.auth import ApprovalRequired, PermissionRefused
from pos_desktop.services.i18n import _
from pos_desktop.services.reports import ReportPrinter

from .views.approval_dialog import ApprovalDialog, UnlockDialog
from .views.login_dialog import LoginDialog
from .views.shift_dialogs import (
    CashMovementDialog,
    CloseShiftDialog,
    OpenShiftDialog,
    ReportViewerDialog,
)

DRAWER_MOVEMENTS = {"paid_in", "paid_out", "drop", "no_sale"}
NO_USERS = (
    "No users are set up: voids, cancels, discounts above the limit, refunds and the drawer are "
    "refused until a manager is added with 'pos-admin users add NAME --role manager --pin PIN'."
)


class StaffSession(QObject):
    def __init__(self, window, *, idle_lock_s: int = 300, demo: bool = False) -> None:
        super().__init__(window)
        self.window = window
        self.container = window.container
        self.auth = self.container.auth
        self.shifts = self.container.shifts
        self.locale = self.container.settings.locale
        self.user = None
        self.locked = False
        self.demo = demo
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(idle_lock_s * 1000)
        self.idle.timeout.connect(self.lock)
        window.checkout_view.approver = self.approve
        window.checkout_view.before_scan = self.ensure_shift
        self._build_menu()

    # -- start-up ---------------------------------------------------------------------------

    def start(self) -> None:
        """Log somebody in and make sure a shift is open (demo: the demo cashier, a 100 float)."""
        if not self.auth.list_users():
            self._sync_shift()
            self.window.checkout_view.show_message(NO_USERS, error=True)
            return
        if self.demo:
            self.set_user(self.auth.login("Demo Cashier", "1111"))
        else:
            while not self.login():
                pass  # a till with users never sells without somebody logged in
        if self.shifts.current() is None:
            if self.demo:
                float_count = self.shifts.count(
                    {denom: 2 for denom in self.shifts.denominations if 100 <= denom <= 2000}
                )
                self.shifts.open_shift(self.user, float_count)
            else:
                self.open_shift()
        self._sync_shift()
        QApplication.instance().installEventFilter(self)
        self.idle.start()

    def set_user(self, user) -> None:
        self.user = user
        self.container.checkout.cashier = user.name if user else None
        self.window.set_cashier_text(
            _("Cashier: {name}").format(name=user.name) if user else _("Nobody logged in")
        )

    def ensure_shift(self) -> bool:
        """Before a scan rings up: an open shift, or the user at the till opens one now.

        Every sale belongs to a shift (the services refuse one without); asking at the first
        scan keeps a closed till from selling into no report.
        """
        if self.shifts.current() is not None:
            return True
        view = self.window.checkout_view
        if self.user is None:
            view.show_message(
                _("No shift is open and nobody is logged in: log in (Ctrl+L) and open a shift."),
                error=True,
            )
            return False
        view.show_message(
            _("No shift is open: {name}, count the float to open one.").format(name=self.user.name)
        )
        OpenShiftDialog(self.shifts, self.user, self.locale, parent=self.window).exec()
        self._sync_shift()
        if self.shifts.current() is None:
            view.show_message(
                _("Nothing was rung up: no shift is open. Open one (Staff > Open shift) to sell."),
                error=True,
            )
            return False
        return True

    def _sync_shift(self) -> None:
        shift = self.shifts.current()
        self.container.checkout.shift_id = shift.shift_id if shift else None
        self.window.set_shift_text(
            _("Shift {number} open").format(number=shift.number) if shift else _("No shift open"),
            ok=shift is not None,
        )

    # -- lock / login --------------------------------------------------------------------------

    def login(self, locked_user=None) -> bool:
        dialog = LoginDialog(self.auth, locked_user=locked_user, parent=self.window)
        self.locked = True
        try:
            accepted = bool(dialog.exec()) and dialog.user is not None
        finally:
            self.locked = False
        if accepted:
            self.set_user(dialog.user)
        return accepted

    def lock(self) -> None:
        if self.locked or self.user is None:
            return
        # The next person at the till sees neither the last customer's sale nor who was here.
        view = self.window.checkout_view
        view.forget_last_customer()
        view.show_message(_("Screen locked: log in to go on."))
        view.refresh()
        self.window.set_cashier_text(_("Screen locked"))
        while not self.login(locked_user=self.user):
            # A locked till stays locked until somebody logs in; only a till shutting down
            # (its window gone) stops asking.
            if not self.window.isVisible():
                return
        view.show_message(_("{name} is logged in.").format(name=self.user.name))
        self.idle.start()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress):
            self.idle.start()  # any activity restarts the idle countdown
        return False

    # -- approvals -----------------------------------------------------------------------------

    def approve(
        self,
        action: str,
        detail: str,
        *,
        object_id: str | None = None,
        reason: str | None = None,
        note: str = "",
        pin_only_if_needed: bool = False,
    ):
        """The ``Approval`` token for ``action`` (None: refused or cancelled).

        Everyone confirms with a PIN: their own when their role may do it, an approver's
        otherwise. ``reason`` is a reason code already chosen on the asking screen.
        ``pin_only_if_needed``: an everyday action (selling an unknown barcode) that the user's
        role may do alone is granted (and audited) without a PIN; the PIN dialog comes up only
        when the store's policy wants an approver.
        """
        if self.user is None:
            text = NO_USERS if not self.auth.list_users() else _("Log in first (Staff > Lock).")
            self.window.checkout_view.show_message(text, error=True)
            return None
        if pin_only_if_needed:
            try:
                return self.auth.authorize(Action(action), self.user, object_id=object_id)
            except ApprovalRequired:
                pass  # an approver's PIN: the dialog below
            except DomainError as err:  # refused by the policy
                self.window.checkout_view.show_message(str(err), error=True)
                return None
        dialog = ApprovalDialog(
            self.auth,
            Action(action),
            self.user,
            detail,
            parent=self.window,
            object_id=object_id,
            reason=reason,
            note=note,
        )
        return dialog.result_value if dialog.exec() else None

    def approve_screen(self, action: Action, refusal: str, show=None):
        """The ``Approval`` token to open a store-wide screen (``staff.MANAGER_SCREENS``), as the
        store's policy decides: allowed roles go straight in (audited), ``approval`` asks for an
        approver's PIN, ``refused`` shows ``refusal`` (through ``show``, default the status
        strip). A till with no users yet gets the setup token for store settings and quitting.
        None: refused or cancelled."""
        say = show or (lambda text: self.window.checkout_view.show_message(text, error=True))
        try:
            if self.user is None:
                return self.auth.authorize_setup(Action(action))
            return self.auth.authorize(Action(action), self.user)
        except PermissionRefused:
            say(refusal)
            return None
        except ApprovalRequired:
            if self.user is None:
                say(refusal)
                return None
        except DomainError as err:
            say(str(err))
            return None
        dialog = ApprovalDialog(self.auth, Action(action), self.user, parent=self.window)
        return dialog.result_value if dialog.exec() else None

    def unlock_user(self) -> None:
        """Staff > Unlock user: another manager or admin lifts a lockout with their PIN."""
        if not self._need_user():
            return
        if not self.auth.locked_users():
            paused = self.auth.till_paused_minutes()
            if not paused:
                self.window.checkout_view.show_message(_("Nobody is locked."))
                return
            self._lift_till_pause(paused)
            return
        dialog = UnlockDialog(self.auth, self.user, parent=self.window)
        if dialog.exec() and dialog.unlocked is not None:
            self.window.checkout_view.show_message(
                _("{name} is unlocked.").format(name=dialog.unlocked.name)
            )

    def _lift_till_pause(self, minutes: int) -> None:
        """Nobody is locked, but the till refuses unnamed approver PINs after too many wrong
        ones (kept across restarts): a manager ends that early with their PIN (audited)."""
        approval = self.approve(
            Action.UNLOCK_USER,
            _("This till refuses unnamed approver PINs for {minutes} more min.").format(
                minutes=minutes
            ),
            object_id="till",
        )
        if approval is None:
            return
        try:
            self.auth.lift_till_pause(approval)
        except DomainError as err:
            self.window.checkout_view.show_message(str(err), error=True)
            return
        self.window.checkout_view.show_message(_("This till takes unnamed approver PINs again."))

    # -- menu ----------------------------------------------------------------------------------

    def _build_menu(self) -> None:
        menu = self.window.menuBar().addMenu(_("&Staff"))
        entries = (
            (_("&Lock / switch cashier"), "Ctrl+L", self.lock),
            (_("&Unlock user..."), None, self.unlock_user),
            (_("&Open shift..."), None, self.open_shift),
            (_("Paid &in..."), None, lambda: self.cash_movement("paid_in")),
            (_("Paid &out..."), None, lambda: self.cash_movement("paid_out")),
            (_("Cash &drop..."), None, lambda: self.cash_movement("drop")),
            (_("&No sale (open drawer)..."), "Ctrl+N", lambda: self.cash_movement("no_sale")),
            (_("&X report"), "F9", self.x_report),
            (_("&Close shift (Z report)..."), None, self.close_shift),
        )
        for text, shortcut, slot in entries:
            action = QAction(text, self.window)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
                self.window.addAction(action)
            action.triggered.connect(slot)
            menu.addAction(action)

    def _need_user(self) -> bool:
        if self.user is None:
            self.window.checkout_view.show_message(_("Log in first (Staff > Lock)."), error=True)
            return False
        return True

    def open_shift(self) -> None:
        if not self._need_user():
            return
        if self.shifts.current() is not None:
            self.window.checkout_view.show_message(_("A shift is already open on this till."))
            return
        OpenShiftDialog(self.shifts, self.user, self.locale, parent=self.window).exec()
        self._sync_shift()

    def cash_movement(self, kind: str) -> bool:
        """Paid in/out, drop or no-sale; True when it was recorded (and the drawer opened)."""
        if not self._need_user():
            return False
        if self.shifts.current() is None:  # the drawer opens for a shift's cash only
            self.window.checkout_view.show_message(
                _(
                    "No shift is open, so the drawer stays shut: open a shift (Staff > Open shift) "
                    "with a counted float first."
                ),
                error=True,
            )
            return False
        dialog = CashMovementDialog(
            self.shifts, self.auth, self.user, kind, self.locale, parent=self.window
        )
        recorded = bool(dialog.exec()) and dialog.movement is not None
        if recorded and kind in DRAWER_MOVEMENTS:
            self.container.printing.open_drawer(kind)
            self.window.checkout_view.show_message(
                _("{windowTitle}: recorded, drawer opened.").format(
                    windowTitle=dialog.windowTitle()
                )
            )
        return recorded

    def _print_report(self, report) -> None:
        printer = ReportPrinter(self.locale, self.container.printing.columns)
        self.container.printing.print_document(
            printer.job(report, self.container.settings.name),
            f"report_{report.kind.lower()}",
            on_done=self.window.bridge.on_print_done,
        )

    def x_report(self) -> None:
        try:
            report = self.shifts.x_report()
        except DomainError as err:
            self.window.checkout_view.show_message(str(err), error=True)
            return
        ReportViewerDialog(
            report, self.locale, print_report=self._print_report, parent=self.window
        ).exec()

    def close_shift(self) -> None:
        if not self._need_user():
            return
        if not self.window.checkout_view.checkout.cart.is_empty:
            self.window.checkout_view.show_message(
                _("Finish or park the sale on screen before closing the shift."), error=True
            )
            return
        dialog = CloseShiftDialog(
            self.shifts, self.auth, self.user, self.locale, parent=self.window
        )
        if dialog.exec() and dialog.z_report is not None:
            self._sync_shift()
            self._print_report(dialog.z_report)
            ReportViewerDialog(
                dialog.z_report, self.locale, print_report=self._print_report, parent=self.window
            ).exec()
