"""Serial / USB-CDC barcode scanner: a reader thread owns the port and emits whole codes.

Codes end with a configured suffix (CR or CRLF); an optional prefix is stripped, and an AIM
symbology identifier (``]E0``, ``]C1``...) is split off into ``ScannedCode.symbology``. After
an unplug the thread reconnects with exponential backoff.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from hardware.base import DeviceState, DeviceStatus
from hardware.serial_port import open_serial
from pos_common.backoff import Backoff

log = logging.getLogger(__name__)

MAX_PENDING = 4096
# AIM symbology identifier letter -> symbology name (ISO/IEC 15424).
AIM_SYMBOLOGIES = {
    "A": "code39",
    "C": "code128",
    "d": "datamatrix",
    "E": "ean-upc",
    "e": "gs1-databar",
    "F": "codabar",
    "G": "code93",
    "I": "itf",
    "L": "pdf417",
    "Q": "qr",
    "X": "other",
    "z": "aztec",
}


@dataclass(frozen=True)
class ScannedCode:
    """One scan: the data, and the symbology when the scanner sent an AIM id."""

    code: str
    symbology: str | None = None
    aim_id: str | None = None


def parse_aim(text: str) -> ScannedCode:
    """Split a leading AIM id (``]`` + letter + modifier) off the scanned text."""
    if len(text) >= 3 and text[0] == "]" and text[1] in AIM_SYMBOLOGIES:
        return ScannedCode(code=text[3:], symbology=AIM_SYMBOLOGIES[text[1]], aim_id=text[:3])
    return ScannedCode(code=text)


class SerialScanner:
    """A scanner on a serial port.

    Args:
        uri: Port URI (9600 8N1 by default).
        suffix: What ends each code (``"\\r"`` or ``"\\r\\n"``).
        prefix: Configured prefix to strip, if any.
        on_scan: Called on the reader thread with each :class:`ScannedCode`.
        on_status: Called on the reader thread when the status changes.
        backoff_initial: First reconnect delay in seconds (doubles up to ``backoff_max``).
        backoff_max: Longest reconnect delay in seconds.
    """

    def __init__(
        self,
        uri: str,
        suffix: str = "\r",
        prefix: str = "",
        on_scan: Callable[[ScannedCode], None] | None = None,
        *,
        on_status: Callable[[DeviceStatus], None] | None = None,
        backoff_initial: float = 0.5,
        backoff_max: float = 10.0,
    ) -> None:
        if not suffix:
            raise ValueError(
                "A serial scanner needs a suffix (usually CR) to know where a code ends."
            )
        self.uri = uri
        self.suffix = suffix
        self.prefix = prefix
        self.on_scan = on_scan
        self.on_status = on_status
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self._status = DeviceStatus(DeviceState.DISCONNECTED)
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._thread: threading.Thread | None = None
        self._port = None

    @property
    def status(self) -> DeviceStatus:
        """The current connection status."""
        return self._status

    def start(self) -> None:
        """Start the reader thread (it opens the port)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="serial-scanner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and close the port; safe to call twice."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def wait_connected(self, timeout: float) -> bool:
        """Block until the port is open (True) or ``timeout`` seconds pass (False)."""
        return self._connected.wait(timeout)

    def __enter__(self) -> SerialScanner:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _run(self) -> None:
        # No jitter: one scanner on one port has nobody to fall in step with.
        backoff = Backoff(self.backoff_initial, self.backoff_max, rng=lambda: 1.0)
        while not self._stop.is_set():
            self._set_status(DeviceStatus(DeviceState.CONNECTING))
            try:
                port = open_serial(self.uri, baudrate=9600, timeout=0.05)
            except Exception as exc:  # DeviceError or a bad URI: report and retry
                self._set_status(_disconnected(f"Scanner not connected: {exc}"))
                if self._stop.wait(backoff.next_delay()):
                    break
                continue
            backoff.reset()
            self._read_until_error(port)
        self._set_status(DeviceStatus(DeviceState.DISCONNECTED, message="Scanner stopped."))

    def _read_until_error(self, port) -> None:
        self._set_status(DeviceStatus(DeviceState.READY))
        self._connected.set()
        pending = ""
        try:
            while not self._stop.is_set():
                chunk = port.read(256)
                if chunk:
                    pending = self._emit_complete(pending + chunk.decode("latin-1"))
        except Exception as exc:  # SerialException/OSError: the cable was pulled
            self._set_status(_disconnected(f"Scanner disconnected ({exc}); reconnecting."))
        finally:
            self._connected.clear()
            try:
                port.close()
            except Exception:  # a vanished port may fail to close
                log.debug("closing the scanner port failed", exc_info=True)

    def _emit_complete(self, pending: str) -> str:
        *complete, rest = pending.split(self.suffix)
        for text in complete:
            self._emit(text)
        if len(rest) > MAX_PENDING:
            log.warning("Scanner sent %d bytes without a suffix; dropping them.", len(rest))
            return ""
        return rest

    def _emit(self, text: str) -> None:
        text = text.strip("\r\n")  # tolerate CRLF when configured for CR, and vice versa
        if self.prefix and text.startswith(self.prefix):
            text = text[len(self.prefix) :]
        scanned = parse_aim(text)
        if not scanned.code or self.on_scan is None:
            return
        try:
            self.on_scan(scanned)
        except Exception:  # a broken consumer must not kill the device thread
            log.exception("scan callback failed")

    def _set_status(self, status: DeviceStatus) -> None:
        if status == self._status:
            return
        self._status = status
        if self.on_status is not None:
            try:
                self.on_status(status)
            except Exception:
                log.exception("scanner status callback failed")


def _disconnected(message: str) -> DeviceStatus:
    return DeviceStatus(DeviceState.DISCONNECTED, frozenset({"offline"}), message)
