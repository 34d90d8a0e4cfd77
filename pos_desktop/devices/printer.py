"""The receipt printer port backed by a `hardware` ESC/POS driver."""

from __future__ import annotations

from hardware.printers.escpos_printer import EscPosPrinter
from hardware.receipt import PrintJob


class EscPosReceiptPrinter:
    """Implements ``ReceiptPrinterPort``; called only from the printing service's thread."""

    def __init__(
        self,
        uri: str,
        *,
        profile: str | None = None,
        code_page: str = "CP858",
        drawer_open_high: bool = True,
    ) -> None:
        self._printer = EscPosPrinter(
            uri, profile=profile, code_page=code_page, drawer_open_high=drawer_open_high
        )
        self.columns = self._printer.columns

    def set_drawer_polarity(self, open_when_high: bool) -> None:
        """Apply a calibration at once (the config keeps it for the next start)."""
        self._printer.drawer_open_high = open_when_high

    def print_job(self, job: PrintJob) -> None:
        self._printer.print_job(job)

    def kick_drawer(self, pin: int = 2, on_ms: int = 50, off_ms: int = 500) -> None:
        self._printer.kick_drawer(pin, on_ms, off_ms)

    def read_status(self):
        return self._printer.read_status()

    def close(self) -> None:
        self._printer.close()
