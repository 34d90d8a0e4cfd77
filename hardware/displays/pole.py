"""A 2x20 pole display on a serial port (or socket://), driven from its own thread.

``show(top, bottom)`` never blocks the caller: the newest frame replaces any frame not yet sent
(the customer only needs the latest), and a writer thread owns the port. A display that is
unplugged is reopened on the next frame; failures are logged and reported by ``status()``,
never raised into the checkout.
"""

from __future__ import annotations

import logging
import threading

from hardware.base import DeviceError, DeviceState, DeviceStatus
from hardware.serial_port import open_serial

from .pole_codec import frame_bytes, init_bytes

log = logging.getLogger(__name__)


class PoleDisplay:
    def __init__(self, uri: str, *, code_page: str = "CP858") -> None:
        self.uri = uri
        self.code_page = code_page
        self._port = None
        self._frame: tuple[str, str] | None = None
        self._wake = threading.Condition()
        self._closed = False
        self._error: str | None = None
        self._thread = threading.Thread(target=self._run, name="PoleDisplay", daemon=True)
        self._thread.start()

    def show(self, top: str, bottom: str) -> None:
        """Put two rows on the display (sent by the writer thread, newest wins)."""
        with self._wake:
            self._frame = (top, bottom)
            self._wake.notify()

    def status(self) -> DeviceStatus:
        if self._error:
            return DeviceStatus(DeviceState.ERROR, message=self._error)
        return DeviceStatus(DeviceState.READY if self._port else DeviceState.UNKNOWN)

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._frame is None and not self._closed:
                    self._wake.wait()
                if self._frame is None:  # closed, and the last frame went out
                    break
                frame, self._frame = self._frame, None
            self._send(frame)
        if self._port is not None:
            self._port.close()

    def _send(self, frame: tuple[str, str]) -> None:
        try:
            if self._port is None:
                self._port = open_serial(self.uri)
                self._port.write(init_bytes(self.code_page))
            self._port.write(frame_bytes(*frame, code_page=self.code_page))
            self._port.flush()
            self._error = None
        except (DeviceError, OSError) as err:
            self._error = f"pole display: {err}"
            log.warning("%s", self._error)
            if self._port is not None:
                try:
                    self._port.close()
                except OSError:
                    pass
                self._port = None
