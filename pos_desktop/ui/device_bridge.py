"""Device callbacks arrive on device threads; here they become Qt signals for the GUI thread.

A signal emitted from a plain thread is delivered queued to receivers living on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class DeviceBridge(QObject):
    print_finished = Signal(object)  # services.printing.PrintOutcome
    printer_status_changed = Signal(object)  # hardware.base.DeviceStatus
    printer_bytes_received = Signal(bytes)  # demo: what the simulated printer got
    scanned = Signal(str)  # any scanner: the wedge filter or a serial scanner

    def on_printer_status(self, status) -> None:
        """Thread-safe: call from the printer thread."""
        self.printer_status_changed.emit(status)

    def on_serial_scan(self, scanned) -> None:
        """Thread-safe: call from a serial scanner's reader thread."""
        self.scanned.emit(scanned.code)

    def on_print_done(self, outcome) -> None:
        """Thread-safe: call from the printer thread."""
        self.print_finished.emit(outcome)

    def on_simulated_job(self, data: bytes) -> None:
        """Thread-safe: call from the simulator thread."""
        self.printer_bytes_received.emit(bytes(data))
