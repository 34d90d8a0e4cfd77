"""Small ports the services depend on; adapters live in pos_desktop.devices and storage."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from hardware.receipt import PrintJob

from .i18n import _


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Timezone-aware UTC now."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ReceiptPrinterPort(Protocol):
    """A receipt printer reached through its own device thread.

    ``print_job`` blocks until the bytes are on the wire (or fails with an exception whose text
    is shown to the cashier). It must never retry a job by itself.
    """

    columns: int

    def print_job(self, job: PrintJob) -> None: ...

    def kick_drawer(self, pin: int, on_ms: int, off_ms: int) -> None: ...


class NoPrinter:
    """Used when no printer is configured (a supported set-up): receipts are kept, not printed.

    The printing service checks ``present`` and never sends it a job; the errors below are for
    anything that calls it directly anyway.
    """

    columns = 42
    present = False

    def print_job(self, job: PrintJob) -> None:
        raise RuntimeError(_("No receipt printer is configured; add one in the till's config."))

    def kick_drawer(self, pin: int, on_ms: int, off_ms: int) -> None:
        raise RuntimeError(_("No printer is configured, so the drawer cannot be opened."))
