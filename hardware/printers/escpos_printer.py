"""ESC/POS receipt printer driver: print jobs, drawer kicks and real status reads.

Not thread-safe by design: the till's printing service owns each printer on its one printer
thread. A small lock still guards the handle so a stray second caller waits instead of
interleaving bytes.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator

from hardware.base import DeviceError, DeviceState, DeviceStatus
from hardware.printers.codepages import code_page as lookup_code_page
from hardware.printers.escpos_lib import profile_columns
from hardware.printers.render import ReceiptError, drawer_pulse_bytes, render_job
from hardware.printers.status import (
    DLE_EOT,
    is_valid_status_byte,
    no_reply_status,
    status_from_bytes,
)
from hardware.printers.transport import TRANSPORTS, Transport, TransportError
from hardware.receipt import PrintJob
from hardware.uri import DeviceUri, DeviceUriError, parse_device_uri

log = logging.getLogger(__name__)

PRINTER_SCHEMES = (*TRANSPORTS, "sim")


class PrinterError(DeviceError):
    """A print or drawer command failed.

    Attributes:
        status: The printer status that explains the failure, when known.
        sent: True when bytes may have reached the printer, so the receipt's outcome is
            unknown (it may be partly printed): let the cashier decide to reprint. False
            means nothing was printed and retrying is safe.
    """

    def __init__(self, message: str, *, status: DeviceStatus | None = None, sent: bool = False):
        super().__init__(message)
        self.status = status
        self.sent = sent


class _Silent(Exception):
    """The printer did not answer a status query (internal)."""


class EscPosPrinter:
    """A receipt printer speaking ESC/POS over tcp, serial, usb, file or the simulator.

    Construction never connects: the till must start even when the printer is off.

    Args:
        uri: Device URI, e.g. ``tcp://192.168.1.50:9100`` or ``sim://printer``.
        profile: python-escpos profile name for the paper width (e.g. ``TM-T20II``).
        code_page: Code page for text; CP858 (default) and WPC1252 have the euro sign. Its
            ``ESC t`` number is the one in the profile's table (Star and Epson differ).
        timeout: Connect/write timeout in seconds.
        status_timeout: How long to wait for each status byte before calling it silence.
        check_status: Query status before and after each job (skipped for write-only links).
        drawer_open_high: Drawer wiring polarity (docs/HARDWARE_PRINTERS.md: calibrate per site).
    """

    def __init__(
        self,
        uri: str,
        *,
        profile: str | None = None,
        code_page: str = "CP858",
        timeout: float = 5.0,
        status_timeout: float = 1.0,
        check_status: bool = True,
        drawer_open_high: bool = True,
    ):
        parsed = parse_device_uri(uri)
        if parsed.scheme not in PRINTER_SCHEMES:
            raise DeviceUriError(
                f"Device URI {uri!r}: a printer cannot use {parsed.scheme}://. "
                "Example of a valid URI: tcp://192.168.1.50:9100"
            )
        self.columns = profile_columns(profile)
        # validate early (fail at configuration, not at sale), with the profile's numbering
        lookup_code_page(code_page, profile)
        self.uri = parsed
        self.code_page = code_page
        self.profile = profile
        self.status_timeout = status_timeout
        self.check_status = check_status
        self.drawer_open_high = drawer_open_high
        self.simulator = None
        self._lock = threading.Lock()
        self._transport = self._make_transport(parsed, timeout)

    def _make_transport(self, parsed: DeviceUri, timeout: float) -> Transport:
        if parsed.scheme == "sim":
            from hardware.simulators.printer_tcp import SimulatedPrinter

            self.simulator = SimulatedPrinter().start()
            parsed = parse_device_uri(self.simulator.uri)
        return TRANSPORTS[parsed.scheme](parsed, timeout)

    # -- public API -------------------------------------------------------------------------

    def print_job(self, job: PrintJob) -> None:
        """Print a job; returns when the printer has it (confirmed by a status reply if it can).

        Raises:
            PrinterError: Rendering failed, the printer is in error (paper out, cover open,
                offline) before printing (``sent=False``), or the link failed or the printer
                went into error during the job (``sent=True``: outcome unknown).
        """
        try:
            data = render_job(job, self.code_page, self.profile)
        except (ReceiptError, ValueError) as exc:
            raise PrinterError(f"The receipt cannot be printed: {exc}") from exc
        with self._session() as link:
            checked = self.check_status and link.can_read and self._precheck(link)
            try:
                link.write(data)
            except TransportError as exc:
                raise PrinterError(self._incomplete(exc), sent=True) from exc
            if checked:
                self._confirm(link)

    def kick_drawer(self, pin: int = 2, on_ms: int = 50, off_ms: int = 500) -> None:
        """Pulse the drawer connector (``ESC p``); pin 2 or 5, times 2-510 ms.

        Raises:
            PrinterError: Bad arguments or the printer cannot be reached.
        """
        try:
            data = drawer_pulse_bytes(pin, on_ms, off_ms)
        except ReceiptError as exc:
            raise PrinterError(str(exc)) from exc
        with self._session() as link:
            try:
                link.write(data)
            except TransportError as exc:
                raise PrinterError(str(exc), sent=True) from exc

    def read_status(self) -> DeviceStatus:
        """Ask the printer (``DLE EOT`` 1, 2, 4) and map the answer; never raises.

        Returns:
            READY/WARNING/ERROR with reasons; UNKNOWN (``no_reply``) on silence or a reply with
            wrong fixed bits; DISCONNECTED when the printer cannot be reached.
        """
        try:
            with self._session() as link:
                if not link.can_read:
                    return no_reply_status("this connection type cannot report status")
                return self._query_status(link)
        except PrinterError as exc:
            return DeviceStatus(DeviceState.DISCONNECTED, frozenset(), str(exc))

    def close(self) -> None:
        """Close the connection (and an owned simulator); safe to call twice."""
        with self._lock:
            self._transport.close()
        if self.simulator is not None:
            self.simulator.stop()
            self.simulator = None

    def __enter__(self) -> EscPosPrinter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- internals ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _session(self) -> Iterator[Transport]:
        with self._lock:
            link = self._transport
            try:
                if not link.is_open:
                    link.open()
            except TransportError as exc:
                raise PrinterError(str(exc), sent=False) from exc
            try:
                yield link
            except (TransportError, PrinterError):
                link.close()  # a broken link is reopened (and re-initialised) next time
                raise
            finally:
                if link.per_operation:
                    link.close()

    def _ask(self, link: Transport, n: int) -> int:
        link.write(DLE_EOT + bytes([n]))
        reply = link.read_byte(self.status_timeout)
        if reply is None:
            raise _Silent(f"no reply to DLE EOT {n}")
        if not is_valid_status_byte(reply[0]):
            raise _Silent(f"unexpected reply 0x{reply[0]:02x} to DLE EOT {n}")
        return reply[0]

    def _query_status(self, link: Transport) -> DeviceStatus:
        try:
            link.flush_input()
            printer = self._ask(link, 1)
            cause = self._ask(link, 2)
            paper = self._ask(link, 4)
        except _Silent as exc:
            return no_reply_status(str(exc))
        except TransportError as exc:
            raise PrinterError(str(exc)) from exc
        return status_from_bytes(printer, cause, paper, drawer_open_high=self.drawer_open_high)

    def _precheck(self, link: Transport) -> bool:
        """Refuse to print into a printer in error; True when the printer answers status."""
        status = self._query_status(link)
        if status.state is DeviceState.ERROR:
            raise PrinterError(status.message, status=status, sent=False)
        return status.state is not DeviceState.UNKNOWN

    def _confirm(self, link: Transport) -> None:
        """After the job, one status round trip proves the printer took every byte."""
        try:
            status = self._query_status(link)
        except PrinterError as exc:
            raise PrinterError(self._incomplete(exc), sent=True) from exc
        if status.state is DeviceState.ERROR:
            raise PrinterError(
                f"{status.message} The receipt may be incomplete: check it and reprint if needed.",
                status=status,
                sent=True,
            )
        if status.state is DeviceState.UNKNOWN:
            log.warning("printer %s did not confirm the job: %s", self.uri.raw, status.message)

    def _incomplete(self, exc: Exception) -> str:
        return (
            f"The printer connection failed during printing ({exc}). The receipt may be "
            "incomplete: check the printer, then reprint if needed."
        )


def open_printer(uri: str, **kw) -> EscPosPrinter:
    """Create an ``EscPosPrinter`` for a URI (see ``EscPosPrinter`` for keyword options)."""
    return EscPosPrinter(uri, **kw)
