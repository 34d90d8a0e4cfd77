"""A plain-text progress bar on stderr: one line rewritten with ``\\r``, no dependency."""

from __future__ import annotations

import sys
from typing import TextIO


class ProgressBar:
    """``label [#####.....]  50% 500/1,000``; redrawn only when the whole percentage changes."""

    def __init__(self, label: str, total: int, *, stream: TextIO | None = None, width: int = 30):
        self._label = label
        self._total = max(total, 1)
        self._stream = stream
        self._width = width
        self._last_percent = -1

    def update(self, done: int, total: int | None = None) -> None:
        """Show ``done`` of ``total``; matches the ``progress(done, total)`` callbacks."""
        total = max(total or self._total, 1)
        percent = min(done * 100 // total, 100)
        if percent == self._last_percent:
            return
        self._last_percent = percent
        filled = self._width * min(done, total) // total
        bar = "#" * filled + "." * (self._width - filled)
        stream = self._stream or sys.stderr
        stream.write(f"\r{self._label} [{bar}] {percent:3d}% {done:,}/{total:,}")
        stream.flush()

    def finish(self) -> None:
        """End the bar's line so the next output starts on its own line."""
        if self._last_percent >= 0:
            (self._stream or sys.stderr).write("\n")
            self._last_percent = -1
