"""Devices: every configured device with its live status, a Test button, and add/edit.

The receipt printer is set up by model and connection with a Test (:mod:`.printer_setup`); the
other devices are edited by URI or by picking a discovered port. Saved devices are written to
config.toml and used at once, without a restart.

Changing a setting (edit, calibrate) needs the ``EDIT_DEVICES`` approval (a manager's own PIN,
or a manager approving a cashier); "Open drawer (test)" is a no-sale like any other (reason,
approval, recorded on the shift)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from pos_desktop.config import (
    ConfigError,
    PrinterConfig,
    ScaleConfig,
    TerminalConfig,
    TillConfig,
    save_config,
)
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.staff import Action
from pos_desktop.services.auth import redeem
from pos_desktop.services.i18n import N_, _

KINDS = ("printer", "terminal", "scanner", "scale")
LABELS = {
    "printer": N_("Receipt printer + drawer"),
    "terminal": N_("Card terminal"),
    "scanner": N_("Serial scanner"),
    "scale": N_("Scale"),
}
EXAMPLES = {
    "printer": "tcp://192.168.1.50:9100",
    "terminal": "serial:///dev/ttyACM0?baudrate=9600",
    "scanner": "serial:///dev/ttyACM1?baudrate=9600",
    "scale": "serial:///dev/ttyUSB1?baudrate=9600&bytesize=7&parity=E",
}


def configured_uri(config: TillConfig, kind: str) -> str | None:
    if kind == "printer":
        return config.printer.uri if config.printer else None
    if kind == "terminal":
        return config.terminal.uri if config.terminal else None
    if kind == "scanner":
        return config.scanner.serial_uri
    return config.scale.uri if config.scale else None


def with_printer(config: TillConfig, uri: str | None, profile: str | None) -> TillConfig:
    """The config with this printer (None: no receipt printer); code page and logo are kept."""
    if uri is None:
        return replace(config, printer=None)
    if config.printer is not None:
        return replace(config, printer=replace(config.printer, uri=uri, profile=profile))
    return replace(config, printer=PrinterConfig(uri=uri, profile=profile))


class PrinterSetupDialog(QDialog):
    """Model, connection, Test, Save: the Devices screen's receipt printer editor."""

    def __init__(self, config: TillConfig, tasks, parent=None) -> None:
        super().__init__(parent)
        from pos_desktop.devices.printer import try_printer

        from .printer_setup import PrinterSetup

        self.setWindowTitle(_("Receipt printer"))
        self.setup = PrinterSetup(tasks, lambda uri, profile: try_printer(uri, profile=profile))
        current = config.printer
        self.setup.show_current(
            current.uri if current else None, current.profile if current else None
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.on_save_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.setup)
        layout.addWidget(buttons)
        self.resize(640, 360)

    def on_save_clicked(self) -> None:
        try:
            self.setup.uri()
        except ValueError as err:
            self.setup.say(str(err), error=True)
            return
        self.accept()


def with_uri(config: TillConfig, kind: str, uri: str | None) -> TillConfig:
    """The config with one device's URI set (or removed when ``uri`` is empty)."""
    uri = (uri or "").strip() or None
    if uri is not None and "://" not in uri:
        raise ConfigError(
            _("'{uri}' is not a device URI; write it like {example}.").format(
                uri=uri, example=EXAMPLES[kind]
            )
        )
    if kind == "printer":
        printer = replace(config.printer, uri=uri) if config.printer and uri else None
        return replace(config, printer=printer or (PrinterConfig(uri=uri) if uri else None))
    if kind == "terminal":
        return replace(config, terminal=TerminalConfig(uri=uri) if uri else None)
    if kind == "scanner":
        return replace(config, scanner=replace(config.scanner, serial_uri=uri))
    return replace(config, scale=ScaleConfig(uri=uri) if uri else None)


class _Relay(QObject):
    done = Signal(str, str, bool)  # kind, text, failed
    calibrated = Signal(object, str)  # polarity or None, text


class EditDeviceDialog(QDialog):
    def __init__(self, kind: str, uri: str | None, ports: list, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("{device}: connection").format(device=_(LABELS[kind])))
        self.uri = QLineEdit(uri or "")
        self.uri.setPlaceholderText(EXAMPLES[kind])
        self.ports = QComboBox()
        self.ports.addItem(_("(pick a discovered port)"), None)
        for info in ports:
            self.ports.addItem(f"{info.uri}  {info.description}", info.uri)
        self.ports.currentIndexChanged.connect(self._on_port_picked)
        form = QFormLayout(self)
        form.addRow(_("URI"), self.uri)
        form.addRow(_("Discovered"), self.ports)
        form.addRow(
            QLabel(
                _("Example: {example}  (leave empty to remove the device)").format(
                    example=EXAMPLES[kind]
                )
            )
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _on_port_picked(self) -> None:
        uri = self.ports.currentData()
        if uri:
            self.uri.setText(uri)


class DevicesDialog(QDialog):
    """The Devices settings screen."""

    def __init__(self, container, task_runner, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Devices"))
        self.container = container
        self.config: TillConfig = container.config
        self.tasks = task_runner
        self.staff = getattr(parent, "staff", None)  # ui.staff_session: who is at the till
        self.status: dict[str, QLabel] = {}
        self.uris: dict[str, QLabel] = {}
        self.test_buttons: dict[str, QPushButton] = {}
        self.printer_dialog: PrinterSetupDialog | None = None
        self.on_printer_changed = None  # the main window refreshes its printer chip
        self.on_devices_changed = None  # ... and hands the new scale / scanner to the screen
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self._relay = _Relay(self)
        self._relay.done.connect(self.on_device_answered)
        self._relay.calibrated.connect(self.on_drawer_calibrated)
        grid = QGridLayout()
        for row, kind in enumerate(KINDS):
            grid.addWidget(QLabel(_(LABELS[kind])), row, 0)
            self.uris[kind] = QLabel(configured_uri(self.config, kind) or _("not configured"))
            grid.addWidget(self.uris[kind], row, 1)
            self.status[kind] = QLabel("")
            self.status[kind].setObjectName("statusChip")
            grid.addWidget(self.status[kind], row, 2)
            test = QPushButton(self._test_label(kind))
            test.clicked.connect(lambda _=False, k=kind: self.on_test_clicked(k))
            test.setEnabled(configured_uri(self.config, kind) is not None or kind == "scanner")
            self.test_buttons[kind] = test
            grid.addWidget(test, row, 3)
            edit = QPushButton(_("Edit..."))
            edit.clicked.connect(lambda _=False, k=kind: self.on_edit_clicked(k))
            grid.addWidget(edit, row, 4)
        self.drawer_button = QPushButton(_("Open drawer (test)"))
        self.drawer_button.clicked.connect(self.on_drawer_clicked)
        self.drawer_button.setEnabled(self.config.printer is not None)
        grid.addWidget(self.drawer_button, 0, 5)
        self.calibrate_button = QPushButton(_("Calibrate drawer..."))
        self.calibrate_button.clicked.connect(self.on_calibrate_clicked)
        self.calibrate_button.setEnabled(self.config.printer is not None)
        grid.addWidget(self.calibrate_button, 1, 5)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(980, 360)
        if self.config.printer is not None:
            self.on_test_clicked("printer_status")

    @staticmethod
    def _test_label(kind: str) -> str:
        return {
            "printer": _("Print test page"),
            "terminal": _("How to test"),
            "scanner": _("Test scan"),
            "scale": _("Read weight"),
        }[kind]

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("kind", "error" if error else "info")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    # -- tests ---------------------------------------------------------------------------------

    def on_test_clicked(self, kind: str) -> None:
        printing = self.container.printing
        if kind == "printer_status":
            printing.check_status(lambda st: self._relay.done.emit("printer", describe(st), False))
        elif kind == "printer":
            self.say(_("Printing a test page..."))
            printing.print_test_page(
                lambda out: self._relay.done.emit(
                    "printer",
                    _("test page printed")
                    if out.status == "printed"
                    else _("test page failed: {error}").format(error=out.error),
                    out.status != "printed",
                )
            )
        elif kind == "scanner":
            self.say(_("Scan any barcode now: it shows here and is not added to the sale."))
            self.scan_test_armed = True
        elif kind == "scale":
            self.say(_("Reading the scale..."))
            self.tasks.run(
                lambda: read_scale(self.config.scale.uri),
                lambda text: self._relay.done.emit("scale", text, False),
                lambda err: self._relay.done.emit(
                    "scale", _("error: {error}").format(error=err), True
                ),
            )
        else:
            self.say(
                _(
                    "A card terminal is tested with a real payment: run {command} and cancel "
                    "it on the terminal, or sell a test item and refund it."
                ).format(
                    command="'pos-hw pay --terminal URI --protocol concert --amount 1 "
                    "--currency EUR'"
                )
            )

    scan_test_armed = False

    def on_scanner_scanned(self, code: str) -> bool:
        """Called by the main window while this dialog is open; True when the scan was ours."""
        if not self.scan_test_armed:
            return False
        self.scan_test_armed = False
        self.status["scanner"].setText(_("ok"))
        self.say(_("Scanner works: read {code}.").format(code=repr(code)))
        return True

    def on_drawer_clicked(self) -> None:
        """Opening the drawer is a no-sale: reason, approval and a record on the shift."""
        if self.staff is None:
            self.say(_("Log in first: opening the drawer is recorded as a no-sale."), error=True)
            return
        if self.staff.cash_movement("no_sale"):
            self.say(_("Drawer opened: recorded as a no-sale."))
        else:
            self.say(_("The drawer was not opened."), error=True)

    def _may_change(self, what: str) -> bool:
        """The EDIT_DEVICES approval, asked for before any setting changes."""
        approval = self.staff.approve(Action.EDIT_DEVICES, what) if self.staff else None
        try:
            redeem(approval, Action.EDIT_DEVICES)
        except DomainError as err:
            self.say(_("Not changed: {error}").format(error=err), error=True)
            return False
        return True

    def on_calibrate_clicked(self) -> None:
        if not self._may_change(_("Calibrate the cash drawer")):
            return
        answer = QMessageBox.question(
            self,
            _("Calibrate drawer"),
            _(
                "Push the cash drawer fully SHUT, then press Yes.\n\nThe till reads the drawer "
                "sensor and learns which level means 'open' for this drawer's wiring."
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.container.printing.calibrate_drawer(
            lambda polarity, text: self._relay.calibrated.emit(polarity, text)
        )

    def on_drawer_calibrated(self, polarity, text: str) -> None:
        if polarity is None:
            self.say(_("Drawer not calibrated: {reason}.").format(reason=text), error=True)
            return
        self.config = replace(
            self.config, drawer=replace(self.config.drawer, open_when_high=polarity)
        )
        try:
            save_config(self.config)
        except (ConfigError, OSError) as err:
            self.say(
                _("Calibrated ({result}) but not saved: {error}").format(result=text, error=err),
                error=True,
            )
            return
        self.say(_("Drawer calibrated and saved: {result}.").format(result=text))

    def on_device_answered(self, kind: str, text: str, failed: bool = False) -> None:
        if kind in self.status:
            self.status[kind].setText(text[:40])
        failed = failed or "fail" in text or "error" in text  # a device's own English words
        device = _(LABELS[kind]) if kind in LABELS else kind.title()
        self.say(_("{device}: {result}").format(device=device, result=text), error=failed)

    # -- edit ----------------------------------------------------------------------------------

    def on_edit_clicked(self, kind: str) -> None:
        if not self._may_change(
            _("Change the connection of: {device}").format(device=_(LABELS[kind]))
        ):
            return
        if kind == "printer":
            self.edit_printer()
            return
        from hardware.discovery import discover

        self.say(_("Looking for serial ports and USB devices..."))
        self.tasks.run(
            discover,
            lambda found: self._edit_uri(kind, found.serial + found.usb),
            lambda err: self._edit_uri(kind, []),
        )

    def _edit_uri(self, kind: str, ports: list) -> None:
        self.say("")
        dialog = EditDeviceDialog(kind, configured_uri(self.config, kind), ports, self)
        if not dialog.exec():
            return
        try:
            new_config = with_uri(self.config, kind, dialog.uri.text())
            save_config(new_config)
        except (ConfigError, OSError) as err:
            self.say(str(err), error=True)
            return
        self.config = new_config
        self.uris[kind].setText(configured_uri(new_config, kind) or _("not configured"))
        problems = self.container.use_device_config(new_config)
        if self.on_devices_changed is not None:
            self.on_devices_changed()
        self.test_buttons[kind].setEnabled(
            configured_uri(new_config, kind) is not None or kind == "scanner"
        )
        if problems:
            self.say("\n".join([_("Saved to config.toml."), *problems]), error=True)
        else:
            self.say(_("Saved. The till uses it now."))

    def edit_printer(self) -> None:
        """Model, connection, Test, Save: the new printer prints the next receipt."""
        dialog = PrinterSetupDialog(self.config, self.tasks, self)
        self.printer_dialog = dialog
        try:
            if not dialog.exec():
                return
            uri, profile = dialog.setup.uri(), dialog.setup.profile()
        finally:
            self.printer_dialog = None
        try:
            new_config = with_printer(self.config, uri, profile)
            save_config(new_config)
        except (ConfigError, OSError, ValueError) as err:
            self.say(str(err), error=True)
            return
        self.config = new_config
        self.container.use_printer_config(new_config)
        if self.on_printer_changed is not None:
            self.on_printer_changed()
        self.uris["printer"].setText(uri or _("not configured"))
        has_printer = uri is not None
        self.drawer_button.setEnabled(has_printer)
        self.calibrate_button.setEnabled(has_printer)
        self.test_buttons["printer"].setEnabled(has_printer)
        self.say(
            _("Saved. Receipts print on this printer from now on.")
            if has_printer
            else _("Saved: no receipt printer. Sales complete without printing.")
        )


# A device's state and the printer's reasons (hardware.base), in words for the status bar.
STATE_WORDS = {
    "disconnected": N_("not connected"),
    "connecting": N_("connecting"),
    "ready": N_("ready"),
    "busy": N_("busy"),
    "warning": N_("warning"),
    "error": N_("error"),
    "unknown": N_("unknown"),
}
REASON_WORDS = {
    "paper_low": N_("paper low"),
    "paper_out": N_("paper out"),
    "cover_open": N_("cover open"),
    "drawer_open": N_("drawer open"),
    "offline": N_("offline"),
    "no_reply": N_("no reply"),
}


def describe(status) -> str:
    """``ready``, ``warning (paper low)``: the state and its reasons in the till's language."""
    state = str(status.state)
    reasons = ", ".join(
        sorted(
            _(REASON_WORDS[r]) if r in REASON_WORDS else r.replace("_", " ") for r in status.reasons
        )
    )
    words = _(STATE_WORDS[state]) if state in STATE_WORDS else state
    return words + (f" ({reasons})" if reasons else "")


def read_scale(uri: str) -> str:
    from hardware.scales.toledo8217 import Toledo8217Scale

    scale = Toledo8217Scale(uri)
    try:
        reading = scale.read_weight()
    finally:
        scale.close()
    weight = f"{reading.kilograms:.3f}"
    if reading.stable:
        return _("{weight} kg").format(weight=weight)
    return _("{weight} kg (moving)").format(weight=weight)
