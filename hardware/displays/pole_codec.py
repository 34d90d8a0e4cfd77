"""Epson ESC/POS customer-display commands (the DM-D series set), as bytes and back.

Commands used (Epson "ESC/POS Command Reference for Customer Displays"):

* ``ESC @`` initialise: clear the screen, cursor home, settings to their defaults.
* ``ESC t n`` character code table (19 = PC858, which has the euro sign at 0xD5).
* ``US C n`` cursor on/off (0 = off).
* ``US $ x y`` move the cursor to column x (1..20), row y (1..2).
* ``FF`` (0x0C) clear the screen; ``CAN`` (0x18) clear the cursor's line.

A frame writes both rows in full (padded to the width), each after its own cursor move, so what
the customer reads never depends on what was there before or on the display's scroll mode.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ESC, US, FF, CAN, CR, LF, HOME = 0x1B, 0x1F, 0x0C, 0x18, 0x0D, 0x0A, 0x0B
COLUMNS, ROWS = 20, 2
CODE_TABLES = {"CP437": 0, "CP850": 2, "CP858": 19}


def fit(text: str, width: int = COLUMNS, *, align: str = "left") -> str:
    """``text`` cut or padded to exactly ``width`` characters."""
    text = " ".join(text.split())[:width]
    return text.rjust(width) if align == "right" else text.ljust(width)


def init_bytes(code_page: str = "CP858") -> bytes:
    """Reset, pick the code page, hide the cursor."""
    return bytes([ESC, 0x40, ESC, 0x74, CODE_TABLES[code_page], US, 0x43, 0x00])


def frame_bytes(top: str, bottom: str, code_page: str = "CP858") -> bytes:
    """Both rows, each written in full at its own position.

    Characters the code page lacks become ``?`` (a display never gets bytes it cannot show).
    """
    out = bytearray()
    for row, text in ((1, top), (2, bottom)):
        out += bytes([US, 0x24, 1, row])
        printable = "".join(c if c.isprintable() else " " for c in text)
        out += printable[:COLUMNS].ljust(COLUMNS).encode(code_page.lower(), errors="replace")
    return bytes(out)


@dataclass
class PoleScreen:
    """What a 2x20 display shows after a byte stream: the model a simulator and tests read."""

    rows: list[list[str]] = field(default_factory=lambda: [[" "] * COLUMNS for _ in range(ROWS)])
    col: int = 0
    row: int = 0
    code_page: str = "CP437"
    cursor_visible: bool = True
    _pending: bytearray = field(default_factory=bytearray)

    @property
    def lines(self) -> tuple[str, str]:
        return tuple("".join(r) for r in self.rows)  # type: ignore[return-value]

    def clear(self) -> None:
        self.rows = [[" "] * COLUMNS for _ in range(ROWS)]
        self.col = self.row = 0

    def feed(self, data: bytes) -> None:
        """Apply bytes; an incomplete command waits for the rest."""
        self._pending += data
        while self._pending and self._step():
            pass

    def _step(self) -> bool:
        b = self._pending
        first = b[0]
        if first == ESC:
            if len(b) < 2:
                return False
            if b[1] == 0x40:
                self.clear()
                self.code_page, self.cursor_visible = "CP437", True
                del b[:2]
                return True
            if b[1] == 0x74:
                if len(b) < 3:
                    return False
                names = {v: k for k, v in CODE_TABLES.items()}
                self.code_page = names.get(b[2], f"table {b[2]}")
                del b[:3]
                return True
            del b[:2]  # a command this model does not know: skip it
            return True
        if first == US:
            if len(b) < 2:
                return False
            if b[1] == 0x24:
                if len(b) < 4:
                    return False
                self.col = min(max(b[2], 1), COLUMNS) - 1
                self.row = min(max(b[3], 1), ROWS) - 1
                del b[:4]
                return True
            if b[1] == 0x43:
                if len(b) < 3:
                    return False
                self.cursor_visible = bool(b[2])
                del b[:3]
                return True
            del b[:2]
            return True
        del b[:1]
        if first == FF:
            self.clear()
        elif first == CAN:
            self.rows[self.row] = [" "] * COLUMNS
            self.col = 0
        elif first == CR:
            self.col = 0
        elif first == LF:
            self.row = min(self.row + 1, ROWS - 1)
        elif first == HOME:
            self.col = self.row = 0
        elif first >= 0x20:
            char = bytes([first]).decode(self._codec(), errors="replace")
            if self.col < COLUMNS:
                self.rows[self.row][self.col] = char
                self.col += 1
        return True

    def _codec(self) -> str:
        return self.code_page.lower() if self.code_page in CODE_TABLES else "cp437"
