"""Cash drawers: on the printer's kick connector, or a standalone serial drawer."""

from __future__ import annotations

from hardware.base import DeviceError, DeviceState, DeviceStatus
from hardware.serial_port import open_serial


class PrinterDrawer:
    """A drawer wired to an ESC/POS printer's drawer-kick connector.

    Args:
        printer: An ``EscPosPrinter`` (or anything with ``kick_drawer``/``read_status``).
        pin: 2 or 5.
        on_ms: Pulse length; off_ms should be at least 4 x on_ms (Citizen).
        off_ms: Pause after the pulse.
    """

    def __init__(self, printer, *, pin: int = 2, on_ms: int = 50, off_ms: int = 500):
        if pin not in (2, 5):
            raise DeviceError(f"Drawer pin {pin} is not valid; use 2 or 5.")
        self.printer = printer
        self.pin, self.on_ms, self.off_ms = pin, on_ms, off_ms
        self._owns_printer = False

    @classmethod
    def from_uri(
        cls, uri: str, *, pin: int = 2, on_ms: int = 50, off_ms: int = 500, **printer_options
    ) -> PrinterDrawer:
        """A drawer behind the printer at ``uri`` (the drawer owns and closes that printer)."""
        from hardware.printers.escpos_printer import EscPosPrinter

        drawer = cls(EscPosPrinter(uri, **printer_options), pin=pin, on_ms=on_ms, off_ms=off_ms)
        drawer._owns_printer = True
        return drawer

    def open(self) -> None:
        """Pulse the drawer; raises ``PrinterError`` when the printer is unreachable."""
        self.printer.kick_drawer(self.pin, self.on_ms, self.off_ms)

    def read_status(self) -> DeviceStatus:
        """READY (drawer closed) or READY with ``drawer_open``; the printer's status otherwise.

        Which level means open depends on the wiring: configure ``drawer_open_high`` on the
        printer after a calibration step ("open the drawer now").
        """
        status = self.printer.read_status()
        if status.state in (DeviceState.UNKNOWN, DeviceState.DISCONNECTED):
            return status
        is_open = "drawer_open" in status.reasons
        return DeviceStatus(
            DeviceState.READY,
            frozenset({"drawer_open"}) if is_open else frozenset(),
            "The drawer is open." if is_open else "The drawer is closed.",
        )

    def close(self) -> None:
        """Close the printer if this drawer created it."""
        if self._owns_printer:
            self.printer.close()


class SerialDrawer:
    """A standalone serial/USB-CDC drawer: sends a configured byte sequence and/or a DTR pulse.

    Such drawers are vendor-specific and report no status, so ``read_status`` is UNKNOWN.
    """

    def __init__(self, uri: str, *, open_sequence: bytes = b"\x00", pulse_dtr: bool = False):
        self.uri = uri
        self.open_sequence = open_sequence
        self.pulse_dtr = pulse_dtr

    def open(self) -> None:
        """Send the open sequence; raises ``DeviceError`` when the port cannot be used."""
        port = open_serial(self.uri)
        try:
            if self.open_sequence:
                port.write(self.open_sequence)
                port.flush()
            if self.pulse_dtr:
                port.dtr = True
                port.dtr = False
        except Exception as exc:
            raise DeviceError(f"Cannot open the drawer on {self.uri}: {exc}.") from exc
        finally:
            port.close()

    def read_status(self) -> DeviceStatus:
        """Always UNKNOWN: standalone drawers cannot say whether they are open."""
        return DeviceStatus(
            DeviceState.UNKNOWN,
            frozenset({"no_reply"}),
            "This drawer cannot report whether it is open.",
        )

    def close(self) -> None:
        """Nothing to release: the port is opened per command."""
