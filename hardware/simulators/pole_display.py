"""A 2x20 pole display on a pty: it applies the Epson display commands it receives and keeps
what the customer would read (``lines``)."""

from __future__ import annotations

import threading

from hardware.displays.pole_codec import PoleScreen

from .pty_pair import PtySimulator


class SimulatedPoleDisplay(PtySimulator):
    def __init__(self, *, link_path: str | None = None) -> None:
        super().__init__(link_path=link_path)
        self.screen = PoleScreen()
        self._lock = threading.Lock()
        self.changed = threading.Event()

    @property
    def lines(self) -> tuple[str, str]:
        with self._lock:
            return self.screen.lines

    def _serve(self) -> None:
        while True:
            byte = self._read_byte(None)
            if byte is None:
                continue
            with self._lock:
                self.screen.feed(bytes([byte]))
            if not self._buffer:  # everything the driver wrote so far is applied
                self.changed.set()
