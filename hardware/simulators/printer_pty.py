"""A serial ESC/POS printer behind a pty pair: the driver opens ``port_name`` with pyserial."""

from __future__ import annotations

import os
import select
import threading
import tty
from collections.abc import Callable

from hardware.simulators.printer_model import PrinterModel

_POLL = 0.05


class SimulatedSerialPrinter(PrinterModel):
    """The printer model on a pty. ``jobs`` splits the byte stream before each ``ESC @``.

    Closing the master side (``unplug()`` or ``drop_after_bytes``) looks like a pulled cable.
    """

    def __init__(self, on_job: Callable[[bytes], None] | None = None, baudrate: int = 38400):
        super().__init__()
        self.on_job = on_job
        self.baudrate = baudrate
        self.port_name = ""
        self._master: int | None = None
        self._slave: int | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def uri(self) -> str:
        """``serial:///dev/pts/N?baudrate=...``."""
        return f"serial://{self.port_name}?baudrate={self.baudrate}"

    @property
    def jobs(self) -> list[bytes]:
        """Received bytes split before each ``ESC @`` (every job starts with one)."""
        data = bytes(self._received)  # no lock: also read from inside wait_until
        parts = data.split(b"\x1b@")
        jobs = [parts[0]] if parts[0] else []
        jobs += [b"\x1b@" + p for p in parts[1:]]
        return jobs

    def start(self) -> SimulatedSerialPrinter:
        """Open the pty pair and serve in a daemon thread; returns self."""
        master, slave = os.openpty()
        tty.setraw(master)
        tty.setraw(slave)
        self._master, self._slave = master, slave
        self.port_name = os.ttyname(slave)
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name="sim-printer-pty", daemon=True)
        self._thread.start()
        return self

    def unplug(self) -> None:
        """Close the master side: the driver's next read or write fails."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._close_fd("_master")

    def stop(self) -> None:
        """Stop the thread and close both pty ends; safe to call twice."""
        self.unplug()
        self._thread = None
        self._close_fd("_slave")

    def __enter__(self) -> SimulatedSerialPrinter:
        return self.start() if self._thread is None else self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _close_fd(self, name: str) -> None:
        fd = getattr(self, name)
        setattr(self, name, None)
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass

    def _serve(self) -> None:
        master = self._master
        while not self._stop.is_set():
            if not select.select([master], [], [], _POLL)[0]:
                continue
            try:
                data = os.read(master, 4096)
            except OSError:
                break
            if not data:
                break
            limit = self.drop_after_bytes
            if limit is not None and len(self.received) + len(data) >= limit:
                self.feed(data[: max(0, limit - len(self.received))])
                self._stop.set()
                self._close_fd("_master")
                return
            replies = self.feed(data)
            if replies:
                os.write(master, replies)
