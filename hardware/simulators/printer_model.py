"""The behaviour shared by the simulated printers: fault switches and ``DLE EOT`` replies."""

from __future__ import annotations

import threading

FIXED = 0x12  # 0xx1xx10: the fixed bits of every real-time status byte


class PrinterModel:
    """Fault switches plus a streaming scanner that answers ``DLE EOT n`` like a printer.

    Attributes are plain booleans so tests flip them while a simulator runs.
    """

    def __init__(self) -> None:
        self.paper_low = False
        self.paper_out = False
        self.cover_open = False
        self.offline = False
        self.silent = False
        self.drawer_open = False
        self.drop_after_bytes: int | None = None
        self._pending = b""  # an incomplete DLE EOT split across reads
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._received = bytearray()

    # -- status bytes, from the Epson real-time status definitions --------------------------------

    def status_byte(self, n: int) -> int:
        """The reply to ``DLE EOT n`` given the current fault switches."""
        stopped = self.offline or self.cover_open or self.paper_out
        if n == 1:
            return FIXED | (0x04 if self.drawer_open else 0) | (0x08 if stopped else 0)
        if n == 2:
            return FIXED | (0x04 if self.cover_open else 0) | (0x20 if self.paper_out else 0)
        if n == 4:
            return FIXED | (0x0C if self.paper_low else 0) | (0x60 if self.paper_out else 0)
        return FIXED  # n=3 and others: no error

    def feed(self, data: bytes) -> bytes:
        """Take bytes from the host; return the status replies owed (empty when silent)."""
        with self._lock:
            self._received += data
            self._changed.notify_all()
        stream = self._pending + data
        replies = bytearray()
        i = 0
        while i < len(stream):
            if stream[i] != 0x10:
                i += 1
                continue
            if i + 2 >= len(stream):
                break  # keep a partial DLE EOT for the next read
            if stream[i + 1] == 0x04 and 1 <= stream[i + 2] <= 4:
                replies.append(self.status_byte(stream[i + 2]))
                i += 3
            else:
                i += 1
        self._pending = stream[i:][-2:] if i < len(stream) else b""
        return b"" if self.silent else bytes(replies)

    def _notify(self) -> None:
        with self._lock:
            self._changed.notify_all()

    def wait_until(self, predicate, timeout: float = 5.0) -> bool:
        """Block until ``predicate()`` is true (checked after every change); False on timeout.

        The simulator thread records bytes asynchronously; tests use this instead of sleeping.
        """
        with self._changed:
            return self._changed.wait_for(predicate, timeout)

    def wait_for_jobs(self, count: int = 1, timeout: float = 5.0) -> list[bytes]:
        """Wait until ``jobs`` has at least ``count`` entries; returns ``jobs``."""
        self.wait_until(lambda: len(self._job_list()) >= count, timeout)
        return list(self._job_list())

    def _job_list(self) -> list[bytes]:
        return self.jobs

    @property
    def received(self) -> bytes:
        """Every byte received so far."""
        with self._lock:
            return bytes(self._received)
