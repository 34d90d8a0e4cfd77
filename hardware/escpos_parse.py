"""Turn captured ESC/POS bytes into text lines and events (tests and the demo receipt preview).

The parser never raises and always advances, so any byte string parses in linear time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hardware.printers.codepages import CODEC_BY_NUMBER, DEFAULT_CODEC, codec_by_number

ESC, GS, DLE, FS, LF, CR, HT = 0x1B, 0x1D, 0x10, 0x1C, 0x0A, 0x0D, 0x09


@dataclass(frozen=True)
class Init:
    """``ESC @``."""


@dataclass(frozen=True)
class CodePage:
    """``ESC t n``."""

    n: int


@dataclass(frozen=True)
class Align:
    """``ESC a n``; ``a`` is ``left``, ``center`` or ``right``."""

    a: str


@dataclass(frozen=True)
class Bold:
    """``ESC E n`` (or the bold bit of ``ESC !``)."""

    on: bool


@dataclass(frozen=True)
class Size:
    """``GS !`` (or ``ESC !``): width and height multipliers."""

    w: int
    h: int


@dataclass(frozen=True)
class Cut:
    """``GS V``."""

    partial: bool


@dataclass(frozen=True)
class Feed:
    """``ESC d n``."""

    n: int


@dataclass(frozen=True)
class DrawerPulse:
    """``ESC p`` or ``DLE DC4 1``."""

    pin: int
    on_ms: int
    off_ms: int


@dataclass(frozen=True)
class BarcodePrinted:
    """``GS k``."""

    symbology: str
    data: str


@dataclass(frozen=True)
class QRPrinted:
    """``GS ( k`` print of the stored QR symbol."""

    data: str


@dataclass(frozen=True)
class StatusQuery:
    """``DLE EOT n``."""

    n: int


@dataclass(frozen=True)
class Raster:
    """A bit image (``GS v 0`` or ``ESC *``), in dots."""

    width: int
    height: int


@dataclass(frozen=True)
class Unknown:
    """A byte or command the parser does not model; ``prefix`` is ESC/GS/FS when it had one."""

    byte: int
    prefix: int | None = None


ParsedEvent = (
    Init
    | CodePage
    | Align
    | Bold
    | Size
    | Cut
    | Feed
    | DrawerPulse
    | BarcodePrinted
    | QRPrinted
    | StatusQuery
    | Raster
    | Unknown
)


@dataclass
class ParsedReceipt:
    """Text lines as they would appear on paper, plus every command seen, in order."""

    lines: list[str] = field(default_factory=list)
    events: list[ParsedEvent] = field(default_factory=list)

    def of_type(self, kind: type) -> list:
        """Events of one type, e.g. ``receipt.of_type(DrawerPulse)``."""
        return [e for e in self.events if isinstance(e, kind)]

    @property
    def text(self) -> str:
        """All lines joined with newlines."""
        return "\n".join(self.lines)


_ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
_BARCODE_A = {0: "UPCA", 1: "UPCE", 2: "EAN13", 3: "EAN8", 4: "CODE39", 5: "ITF", 6: "CODABAR"}
_BARCODE_B = {m + 65: name for m, name in _BARCODE_A.items()} | {72: "CODE93", 73: "CODE128"}
# commands followed by a fixed number of parameter bytes we only skip
_ESC_SKIP = {
    ord(c): n
    for c, n in (
        ("-", 1),
        ("M", 1),
        ("J", 1),
        ("V", 1),
        ("G", 1),
        ("{", 1),
        ("R", 1),
        ("3", 1),
        ("2", 0),
        ("$", 2),
        (" ", 1),
        ("c", 2),
        ("U", 1),
        ("r", 1),
        ("\\", 2),
        ("e", 1),
    )
}
_GS_SKIP = {
    ord(c): n
    for c, n in (
        ("h", 1),
        ("w", 1),
        ("H", 1),
        ("f", 1),
        ("B", 1),
        ("b", 1),
        ("L", 2),
        ("W", 2),
        ("P", 2),
        ("a", 1),
        ("r", 1),
        ("I", 1),
        ("T", 1),
    )
}


def _decoder(codec: str) -> str:
    return bytes(range(256)).decode(codec, errors="replace")


class _Parser:
    def __init__(self, data: bytes, codecs: dict[int, str] = CODEC_BY_NUMBER):
        self.codecs = codecs
        self.data = data
        self.i = 0
        self.out = ParsedReceipt()
        self.line: list[str] = []
        self.table = _decoder(DEFAULT_CODEC)
        self.qr_data = b""

    # -- helpers ---------------------------------------------------------------------------
    def take(self, n: int) -> bytes | None:
        """Consume n bytes, or None (consuming the rest) when the data ends first."""
        if self.i + n > len(self.data):
            self.i = len(self.data)
            return None
        chunk = self.data[self.i : self.i + n]
        self.i += n
        return chunk

    def event(self, event) -> None:
        self.out.events.append(event)

    def newline(self) -> None:
        self.out.lines.append("".join(self.line))
        self.line = []

    def flush(self) -> None:
        if self.line:
            self.newline()

    # -- main loop -------------------------------------------------------------------------
    def run(self) -> ParsedReceipt:
        handlers = {ESC: self.esc, GS: self.gs, DLE: self.dle, FS: self.fs}
        while self.i < len(self.data):
            byte = self.data[self.i]
            self.i += 1
            if byte in handlers:
                handlers[byte]()
            elif byte == LF:
                self.newline()
            elif byte == HT:
                self.line.append(" ")
            elif byte == CR:
                pass
            elif byte < 0x20 or byte == 0x7F:
                self.event(Unknown(byte))
            else:
                self.line.append(self.table[byte])
        self.flush()
        return self.out

    def esc(self) -> None:
        head = self.take(1)
        if head is None:
            return
        cmd = head[0]
        if cmd == ord("@"):
            self.flush()
            self.table = _decoder(DEFAULT_CODEC)
            self.event(Init())
        elif cmd in (ord("t"), ord("a"), ord("E"), ord("!"), ord("d")):
            arg = self.take(1)
            if arg is not None:
                self.esc_arg(cmd, arg[0])
        elif cmd == ord("p"):
            args = self.take(3)
            if args is not None:
                pin = 2 if args[0] in (0, 48) else 5
                self.event(DrawerPulse(pin, args[1] * 2, args[2] * 2))
        elif cmd == ord("*"):
            self.bit_image()
        elif cmd in _ESC_SKIP:
            self.take(_ESC_SKIP[cmd])
        else:
            self.event(Unknown(cmd, ESC))

    def esc_arg(self, cmd: int, n: int) -> None:
        if cmd == ord("t"):
            self.table = _decoder(self.codecs.get(n, DEFAULT_CODEC))
            self.event(CodePage(n))
        elif cmd == ord("a"):
            self.event(Align(_ALIGN.get(n, "left")))
        elif cmd == ord("E"):
            self.event(Bold(bool(n & 1)))
        elif cmd == ord("!"):
            self.event(Bold(bool(n & 0x08)))
            self.event(Size(2 if n & 0x20 else 1, 2 if n & 0x10 else 1))
        else:  # ESC d n: print and feed n lines, the same as n line feeds
            self.event(Feed(n))
            for _ in range(n):
                self.newline()

    def bit_image(self) -> None:
        args = self.take(3)
        if args is None:
            return
        mode, width = args[0], args[1] + args[2] * 256
        columns = 1 if mode in (0, 1) else 3
        self.take(width * columns)
        self.event(Raster(width, 8 * columns))

    def gs(self) -> None:
        head = self.take(1)
        if head is None:
            return
        cmd = head[0]
        if cmd == ord("!"):
            arg = self.take(1)
            if arg is not None:
                self.event(Size((arg[0] >> 4) + 1, (arg[0] & 0x0F) + 1))
        elif cmd == ord("V"):
            self.cut()
        elif cmd == ord("k"):
            self.barcode()
        elif cmd == ord("("):
            self.gs_paren()
        elif cmd == ord("v"):
            self.raster()
        elif cmd in _GS_SKIP:
            self.take(_GS_SKIP[cmd])
        else:
            self.event(Unknown(cmd, GS))

    def cut(self) -> None:
        arg = self.take(1)
        if arg is None:
            return
        mode = arg[0]
        if mode in (65, 66):
            self.take(1)  # feed amount before the cut
        self.flush()
        self.event(Cut(partial=mode in (1, 49, 66)))

    def barcode(self) -> None:
        arg = self.take(1)
        if arg is None:
            return
        kind = arg[0]
        if kind in _BARCODE_A:
            end = self.data.find(b"\x00", self.i)
            end = len(self.data) if end < 0 else end
            raw = self.data[self.i : end]
            self.i = min(len(self.data), end + 1)
            name = _BARCODE_A[kind]
        else:
            size = self.take(1)
            raw = self.take(size[0]) if size is not None else None
            if raw is None:
                return
            name = _BARCODE_B.get(kind, f"TYPE{kind}")
        text = _code128_text(raw) if name == "CODE128" else raw.decode("latin-1")
        self.flush()
        self.event(BarcodePrinted(name, text))
        self.out.lines.append(f"[{name} {text}]")

    def gs_paren(self) -> None:
        head = self.take(3)
        if head is None:
            return
        fn_group, length = head[0], head[1] + head[2] * 256
        body = self.take(length)
        if body is None or fn_group != ord("k") or len(body) < 2 or body[0] != 0x31:
            return
        if body[1] == 0x50:  # store QR data (after the m byte)
            self.qr_data = body[3:]
        elif body[1] == 0x51:  # print the stored symbol
            text = self.qr_data.decode("utf-8", errors="replace")
            self.flush()
            self.event(QRPrinted(text))
            self.out.lines.append(f"[QR {text}]")

    def raster(self) -> None:
        head = self.take(6)
        if head is None or head[0] not in (0x30, 0):
            if head is not None:
                self.event(Unknown(ord("v"), GS))
            return
        width_bytes, height = head[2] + head[3] * 256, head[4] + head[5] * 256
        self.take(width_bytes * height)
        self.flush()
        self.event(Raster(width_bytes * 8, height))

    def dle(self) -> None:
        head = self.take(1)
        if head is None:
            return
        if head[0] == 0x04:
            arg = self.take(1)
            if arg is not None:
                self.event(StatusQuery(arg[0]))
        elif head[0] == 0x14:  # DLE DC4 fn m t: real-time drawer pulse, t x 100 ms
            args = self.take(3)
            if args is not None and args[0] == 1:
                pin = 2 if args[1] == 0 else 5
                self.event(DrawerPulse(pin, args[2] * 100, args[2] * 100))
        elif head[0] == 0x05:
            self.take(1)
        else:
            self.event(Unknown(head[0], DLE))

    def fs(self) -> None:
        head = self.take(1)
        if head is None:
            return
        if head[0] == ord("p"):
            self.take(2)
            self.event(Raster(0, 0))  # NV image: size lives in the printer
        elif head[0] not in (ord("."), ord("&")):
            self.event(Unknown(head[0], FS))


def _code128_text(raw: bytes) -> str:
    """Human-readable CODE128 data: drop the ``{A``/``{B`` set selectors, expand ``{C`` pairs."""
    out: list[str] = []
    code_c = False
    i = 0
    while i < len(raw):
        if raw[i] == ord("{") and i + 1 < len(raw):
            selector = raw[i + 1]
            if selector in b"ABC":
                code_c = selector == ord("C")
                i += 2
                continue
            if selector == ord("{"):
                out.append("{")
                i += 2
                continue
        out.append(f"{raw[i]:02d}" if code_c else chr(raw[i]))
        i += 1
    return "".join(out)


def parse_escpos(data: bytes, profile: str | None = None) -> ParsedReceipt:
    """Parse captured ESC/POS bytes.

    Args:
        data: Bytes as sent to a printer (e.g. ``SimulatedPrinter.jobs[0]``).
        profile: The printer's python-escpos profile, whose ``ESC t`` numbering decodes text
            (the Epson numbering without one).

    Returns:
        The text lines (decoded with the selected code page) and the command events.
    """
    return _Parser(bytes(data), codec_by_number(profile)).run()
