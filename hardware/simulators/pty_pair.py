"""Raw pseudo-terminal pairs and a base class for device simulators that live on them.

The driver opens the slave side (``/dev/pts/N``) with real pyserial; the simulator thread
reads and writes the master side. Closing the master is an unplug: the driver's next read
fails like a pulled USB cable. ptys ignore baud rate and parity, and modem-line ioctls fail.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
import time
import tty


class SimulatorStopped(Exception):
    """Raised inside a simulator thread when ``stop()`` was called."""


class SimulatorUnplugged(Exception):
    """Raised inside a simulator thread when its pty master was closed."""


class PtyPair:
    """A raw pty pair; optionally reached through a stable symlink so it can be re-plugged.

    Args:
        link_path: When given, a symlink to the slave device is kept at this path; after
            ``replug()`` it points at the new pty, like a udev rule for a real device.
    """

    def __init__(self, link_path: str | None = None) -> None:
        self.link_path = link_path
        self.master_fd: int | None = None
        self.slave_fd: int | None = None
        self.slave_name = ""
        self.open()

    @property
    def port_name(self) -> str:
        """The device path a driver should open."""
        return self.link_path or self.slave_name

    def open(self) -> None:
        """Open a new pair (and re-point the symlink)."""
        master, slave = os.openpty()
        tty.setraw(master)
        tty.setraw(slave)
        self.master_fd, self.slave_fd = master, slave
        self.slave_name = os.ttyname(slave)
        if self.link_path:
            tmp = f"{self.link_path}.tmp{os.getpid()}"
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            os.symlink(self.slave_name, tmp)
            os.replace(tmp, self.link_path)

    def close_master(self) -> None:
        """Unplug: the driver's port breaks on its next read or write."""
        fd, self.master_fd = self.master_fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)

    def close(self) -> None:
        """Close both sides and remove the symlink."""
        self.close_master()
        fd, self.slave_fd = self.slave_fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)
        if self.link_path:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.link_path)


class PtySimulator:
    """Base for simulators: a thread runs ``_serve()`` against the master side of a pty.

    Subclasses implement ``_serve`` with the blocking helpers ``_read_byte`` and ``_write``.
    Use as a context manager, or call ``start()`` and ``stop()`` in pairs.

    Args:
        link_path: Optional stable symlink for the port (enables ``replug()``).
        uri_options: Query string appended to ``uri``.
    """

    def __init__(self, *, link_path: str | None = None, uri_options: str = "baudrate=9600"):
        self._link_path = link_path
        self._uri_options = uri_options
        self._pty: PtyPair | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._plugged = threading.Event()
        self._buffer = bytearray()

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> PtySimulator:
        """Open the pty and start the simulator thread."""
        if self._thread is not None:
            return self
        self._pty = PtyPair(self._link_path)
        self._plugged.set()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread and close the pty; safe to call twice."""
        self._stop.set()
        self._plugged.set()  # wake a thread waiting for a replug
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._pty is not None:
            self._pty.close()
            self._pty = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def port_name(self) -> str:
        """Device path for the driver (``/dev/pts/N`` or the symlink)."""
        if self._pty is None:
            raise RuntimeError("Start the simulator before asking for its port.")
        return self._pty.port_name

    @property
    def uri(self) -> str:
        """Device URI for the driver, e.g. ``serial:///dev/pts/3?baudrate=9600``."""
        suffix = f"?{self._uri_options}" if self._uri_options else ""
        return f"serial://{self.port_name}{suffix}"

    def unplug(self) -> None:
        """Close the master side, as if the cable was pulled."""
        self._plugged.clear()
        if self._pty is not None:
            self._pty.close_master()

    def replug(self) -> None:
        """Plug back in: a new pty behind the same symlink (needs ``link_path``)."""
        if self._pty is None or not self._pty.link_path:
            raise RuntimeError("replug() needs a simulator created with link_path=...")
        self.unplug()
        self._pty.close()
        self._pty.open()
        self._buffer.clear()
        self._plugged.set()

    # -- thread side -------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._serve()
            except SimulatorStopped:
                return
            except (SimulatorUnplugged, OSError):
                # Only unplug() clears the flag, so a replug racing with us is never lost.
                self._plugged.wait()
                self._stop.wait(0.02)

    def _serve(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _master(self) -> int:
        if self._stop.is_set():
            raise SimulatorStopped
        fd = self._pty.master_fd if self._pty is not None else None
        if fd is None or not self._plugged.is_set():
            raise SimulatorUnplugged
        return fd

    def _read_byte(self, timeout: float | None) -> int | None:
        """Next byte from the driver, or None after ``timeout`` seconds (None = forever)."""
        deadline = None if timeout is None else _now() + timeout
        while not self._buffer:
            fd = self._master()
            wait = 0.05 if deadline is None else min(0.05, deadline - _now())
            if wait <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], wait)
            if ready:
                self._buffer += os.read(fd, 1024)
        return self._buffer.pop(0)

    def _write(self, data: bytes) -> None:
        os.write(self._master(), data)

    def _sleep(self, seconds: float) -> None:
        if self._stop.wait(seconds):
            raise SimulatorStopped


def _now() -> float:
    return time.monotonic()
