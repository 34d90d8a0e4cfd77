"""Set up a receipt printer without typing a URI: model, connection, Test, then Save.

Used by the setup wizard's devices page and by the Devices screen. Discovery (serial ports, USB
devices) and the Test run on the task runner, never on the GUI thread.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hardware.printers.escpos_lib import printer_models
from pos_desktop.services.i18n import N_, _, ngettext

NONE, NETWORK, SERIAL, USB = "none", "network", "serial", "usb"
CONNECTIONS = (
    (NONE, N_("No receipt printer (receipts are shown on screen)")),
    (NETWORK, N_("Network (Ethernet / Wi-Fi)")),
    (SERIAL, N_("Serial port (RS-232, USB-serial)")),
    (USB, "USB"),
)
BAUD_RATES = (9600, 19200, 38400, 57600, 115200)
DEFAULT_PORT = 9100


def printer_uri(connection: str, *, host: str = "", port: int = DEFAULT_PORT, device: str = "",
                baudrate: int = 38400) -> str | None:  # fmt: skip
    """The device URI the choices make; None for no printer.

    Raises:
        ValueError: a choice is missing (the message says which).
    """
    if connection == NONE:
        return None
    if connection == NETWORK:
        host = host.strip()
        if not host or " " in host or "/" in host:
            raise ValueError(_("Type the printer's network address, e.g. 192.168.1.50."))
        return f"tcp://{host}:{port}"
    if not device:
        raise ValueError(
            _("Pick the serial port the printer is on (Search again if it is missing).")
            if connection == SERIAL
            else _("Pick the USB device the printer is on (Search again if it is missing).")
        )
    if connection == SERIAL:
        return f"{device}?baudrate={baudrate}"
    return device


class PrinterSetup(QWidget):
    """Model + connection fields, a Test button and the result line.

    ``tasks`` is the window's TaskRunner; ``try_printer(uri, profile)`` does the test (it runs
    on the task runner and returns a sentence, or raises with the reason).
    """

    tested = Signal(bool, str)  # worked, what happened

    def __init__(self, tasks, try_printer, parent=None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self._try_printer = try_printer
        self.model = QComboBox()
        self.model.setAccessibleName(_("Printer model"))
        for m in printer_models():
            if m.paper_mm:
                text = _("{model} ({columns} characters, {paper} mm)").format(
                    model=m.label, columns=m.columns, paper=f"{m.paper_mm:g}"
                )
            else:
                text = _("{model} ({columns} characters)").format(model=m.label, columns=m.columns)
            self.model.addItem(text, m.profile)
        self.connection = QComboBox()
        self.connection.setAccessibleName(_("Connection"))
        for key, text in CONNECTIONS:
            self.connection.addItem(_(text), key)
        self.host = QLineEdit()
        self.host.setPlaceholderText("192.168.1.50")
        self.host.setAccessibleName(_("Printer address"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setAccessibleName(_("Printer port"))
        self.serial_port = QComboBox()
        self.baudrate = QComboBox()
        for rate in BAUD_RATES:
            self.baudrate.addItem(str(rate), rate)
        self.baudrate.setCurrentIndex(BAUD_RATES.index(38400))
        self.usb_device = QComboBox()
        self.search = QPushButton(_("Search again"))
        self.search.clicked.connect(self.discover)
        self.test_button = QPushButton(_("Test"))
        self.test_button.setObjectName("payButton")
        self.test_button.clicked.connect(self.on_test_clicked)
        self.result = QLabel("")
        self.result.setObjectName("message")
        self.result.setWordWrap(True)
        self.works = False

        self.pages = QStackedWidget()
        self.pages.addWidget(
            QLabel(_("Sales complete without printing; Till > Show last receipt."))
        )
        network = QWidget()
        form = QFormLayout(network)
        form.addRow(_("Address"), self.host)
        form.addRow(_("Port"), self.port)
        self.pages.addWidget(network)
        serial = QWidget()
        form = QFormLayout(serial)
        form.addRow(_("Port"), self.serial_port)
        form.addRow(_("Speed (baud)"), self.baudrate)
        self.pages.addWidget(serial)
        usb = QWidget()
        QFormLayout(usb).addRow(_("Device"), self.usb_device)
        self.pages.addWidget(usb)
        self.connection.currentIndexChanged.connect(self._on_connection_changed)

        form = QFormLayout()
        form.addRow(_("Model"), self.model)
        form.addRow(_("Connection"), self.connection)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.pages)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addWidget(self.search)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.result)
        self._on_connection_changed()

    # -- values ------------------------------------------------------------------------------

    def kind(self) -> str:
        return self.connection.currentData()

    def profile(self) -> str | None:
        return self.model.currentData()

    def uri(self) -> str | None:
        """The URI of the choices; raises ValueError naming a missing choice."""
        combo = {SERIAL: self.serial_port, USB: self.usb_device}.get(self.kind())
        return printer_uri(
            self.kind(),
            host=self.host.text(),
            port=self.port.value(),
            device=(combo.currentData() or "") if combo is not None else "",
            baudrate=self.baudrate.currentData(),
        )

    def show_current(self, uri: str | None, profile: str | None) -> None:
        """Fill the fields from a configured printer."""
        self.model.setCurrentIndex(max(self.model.findData(profile), 0))
        if not uri:
            self.connection.setCurrentIndex(0)
            return
        parts = urlsplit(uri)
        if parts.scheme == "tcp":
            self.connection.setCurrentIndex(self.connection.findData(NETWORK))
            self.host.setText(parts.hostname or "")
            self.port.setValue(parts.port or DEFAULT_PORT)
        elif parts.scheme == "serial":
            self.connection.setCurrentIndex(self.connection.findData(SERIAL))
            base = uri.split("?", 1)[0]
            if self.serial_port.findData(base) < 0:
                self.serial_port.addItem(base, base)
            self.serial_port.setCurrentIndex(self.serial_port.findData(base))
        elif parts.scheme == "usb":
            self.connection.setCurrentIndex(self.connection.findData(USB))
            if self.usb_device.findData(uri) < 0:
                self.usb_device.addItem(uri, uri)
            self.usb_device.setCurrentIndex(self.usb_device.findData(uri))

    # -- discovery and test -------------------------------------------------------------------

    def _on_connection_changed(self) -> None:
        index = [key for key, _ in CONNECTIONS].index(self.kind())
        self.pages.setCurrentIndex(index)
        self.test_button.setEnabled(self.kind() != NONE)
        self.search.setVisible(self.kind() in (SERIAL, USB))
        self.works = self.kind() == NONE
        self.result.setText("")
        if self.kind() in (SERIAL, USB) and self.serial_port.count() + self.usb_device.count() == 0:
            self.discover()

    def discover(self) -> None:
        from hardware.discovery import discover

        self.say(_("Looking for serial ports and USB devices..."))
        self.search.setEnabled(False)
        self.tasks.run(discover, self._on_discovered, self._on_discovery_failed)

    def _on_discovered(self, found) -> None:
        from hardware.discovery import is_probable_printer

        self.search.setEnabled(True)
        for combo, infos in ((self.serial_port, found.serial), (self.usb_device, found.usb)):
            current = combo.currentData()
            combo.clear()
            for info in infos:
                hint = "  " + _("(receipt printer?)") if is_probable_printer(info) else ""
                combo.addItem(f"{info.uri}  {info.description}{hint}".strip(), info.uri)
            if current and combo.findData(current) >= 0:
                combo.setCurrentIndex(combo.findData(current))
        count = len(found.serial) + len(found.usb)
        found_text = ngettext(
            "Found {count} port or device.", "Found {count} ports and devices.", count
        ).format(count=count)
        self.say("\n".join([found_text, *found.notes]))

    def _on_discovery_failed(self, err) -> None:
        self.search.setEnabled(True)
        self.say(_("Could not list the ports: {error}").format(error=err), error=True)

    def on_test_clicked(self) -> None:
        try:
            uri = self.uri()
        except ValueError as err:
            self.say(str(err), error=True)
            return
        profile = self.profile()
        self.test_button.setEnabled(False)
        self.say(_("Testing {uri}...").format(uri=uri))
        self.tasks.run(
            lambda: self._try_printer(uri, profile), self._on_test_passed, self._on_test_failed
        )

    def _on_test_passed(self, columns: int) -> None:
        text = _("Test page printed ({width} characters per line). Did it come out?").format(
            width=columns
        )
        self.test_button.setEnabled(True)
        self.works = True
        self.say(text)
        self.tested.emit(True, text)

    def _on_test_failed(self, err) -> None:
        self.test_button.setEnabled(True)
        self.works = False
        text = _("Test failed: {error}").format(error=err)
        self.say(text, error=True)
        self.tested.emit(False, text)

    def say(self, text: str, *, error: bool = False) -> None:
        self.result.setText(text)
        self.result.setProperty("kind", "error" if error else "info")
        self.result.style().unpolish(self.result)
        self.result.style().polish(self.result)
