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


def try_printer(uri: str, *, profile: str | None = None, code_page: str = "CP858") -> int:
    """Open the printer, read its status and print a short test page (the Devices screen's
    Test); returns the characters per line it printed (the screen says it in its language).
    Runs off the GUI thread.

    Raises:
        Exception: whatever the driver raises (the message is shown to the person).
    """
    from hardware.base import DeviceState
    from hardware.receipt import Barcode, Cut, Feed, TextLine

    printer = EscPosPrinter(uri, profile=profile, code_page=code_page)
    try:
        status = printer.read_status()
        if status.state == DeviceState.DISCONNECTED:
            raise RuntimeError(status.message or f"No printer answers at {uri}.")
        if status.state not in (DeviceState.READY, DeviceState.WARNING):
            reasons = ", ".join(sorted(r.replace("_", " ") for r in status.reasons))
            raise RuntimeError(f"the printer answered but is not ready ({reasons or status.state})")
        width = printer.columns
        printer.print_job(
            PrintJob(
                blocks=(
                    TextLine("Printer test", align="center", bold=True, double=True),
                    TextLine("-" * width),
                    TextLine(f"{width} characters per line; euro sign: €"),
                    Barcode("TEST-1234"),
                    Feed(1),
                    Cut(),
                ),
                columns=width,
            )
        )
    finally:
        printer.close()
    return width


def logo_problem(path) -> str | None:
    """What stops ``path`` printing as a receipt logo (missing, not a picture), or None."""
    from hardware.base import DeviceError
    from hardware.printers.logo import load_logo

    try:
        load_logo(path)
    except DeviceError as err:
        return str(err)
    return None
