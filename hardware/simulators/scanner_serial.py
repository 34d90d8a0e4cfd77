"""A serial barcode scanner on a pty: ``scan(code)`` writes prefix + AIM id + code + suffix."""

from __future__ import annotations

from .pty_pair import PtySimulator


class SimulatedSerialScanner(PtySimulator):
    """Simulated serial scanner.

    Args:
        suffix: Sent after each code (``"\\r"`` or ``"\\r\\n"``).
        prefix: Sent before each code (and before the AIM id).
        aim_id: Default AIM symbology id, e.g. ``"]E0"``; None sends none.
        link_path: Optional stable symlink (enables ``replug()``).
    """

    def __init__(
        self,
        *,
        suffix: str = "\r",
        prefix: str = "",
        aim_id: str | None = None,
        link_path: str | None = None,
    ) -> None:
        super().__init__(link_path=link_path)
        self.suffix = suffix
        self.prefix = prefix
        self.aim_id = aim_id

    def scan(self, code: str, *, aim_id: str | None = None) -> None:
        """Send one code as the scanner would, in one burst."""
        aim = aim_id if aim_id is not None else (self.aim_id or "")
        self._write(f"{self.prefix}{aim}{code}{self.suffix}".encode("latin-1"))

    def _serve(self) -> None:
        while True:  # a scanner ignores what the host sends
            self._read_byte(None)
