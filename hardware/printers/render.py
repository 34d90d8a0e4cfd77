"""Render a device-neutral ``PrintJob`` into ESC/POS bytes (pure, no I/O)."""

from __future__ import annotations

from hardware.printers.codepages import code_page, encode_text
from hardware.receipt import (
    ALIGNMENTS,
    Barcode,
    Cut,
    DrawerPulse,
    Feed,
    Image,
    PrintJob,
    QRCode,
    TextLine,
)
from pos_common import gs1

ESC = b"\x1b"
GS = b"\x1d"
INIT = ESC + b"@"
ALIGN = {"left": 0, "center": 1, "right": 2}
CUT_FEED_LINES = 3  # feed the last line past the cutter blade before cutting


class ReceiptError(ValueError):
    """A print block cannot be rendered (bad barcode data, unknown alignment, ...)."""


def align(name: str) -> bytes:
    """``ESC a n`` for ``left``/``center``/``right``."""
    if name not in ALIGN:
        raise ReceiptError(f"Alignment {name!r} is unknown; use one of {', '.join(ALIGNMENTS)}.")
    return ESC + b"a" + bytes([ALIGN[name]])


def drawer_pulse_bytes(pin: int = 2, on_ms: int = 50, off_ms: int = 500) -> bytes:
    """``ESC p m t1 t2``: m=0 for pin 2, m=1 for pin 5, times in units of 2 ms.

    Raises:
        ReceiptError: Pin is not 2 or 5, or a time is outside 2-510 ms.
    """
    if pin not in (2, 5):
        raise ReceiptError(f"Drawer pin {pin} is not valid; use 2 or 5.")
    for label, ms in (("on", on_ms), ("off", off_ms)):
        if not 2 <= ms <= 510:
            raise ReceiptError(f"Drawer {label} time {ms} ms is out of range; use 2 to 510 ms.")
    return ESC + b"p" + bytes([0 if pin == 2 else 1, on_ms // 2, off_ms // 2])


def _text(block: TextLine, codec: str) -> bytes:
    out = bytearray(align(block.align))
    out += ESC + b"E" + bytes([1 if block.bold else 0])
    out += GS + b"!" + bytes([0x11 if block.double else 0x00])
    for line in block.text.split("\n"):
        out += encode_text(line, codec) + b"\n"
    if block.bold:
        out += ESC + b"E\x00"
    if block.double:
        out += GS + b"!\x00"
    if block.align != "left":
        out += align("left")
    return bytes(out)


def _check_gs1(data: str, length: int, name: str) -> None:
    if len(data) != length or not data.isascii() or not data.isdigit():
        raise ReceiptError(f"{name} barcode needs exactly {length} digits, got {data!r}.")
    if not gs1.is_valid(data):
        raise ReceiptError(f"{name} barcode {data!r} has a wrong check digit.")


_GS1 = {"EAN13": (67, 13), "EAN8": (68, 8), "UPCA": (65, 12)}


def _barcode(block: Barcode) -> bytes:
    symbology = block.symbology.upper().replace("-", "")
    if symbology == "CODE128":
        if not block.data or not all(0x20 <= ord(c) <= 0x7E for c in block.data):
            raise ReceiptError(
                f"CODE128 barcode data {block.data!r} must be 1-250 printable ASCII characters."
            )
        payload = b"{B" + block.data.encode("ascii")
        if len(payload) > 252:
            raise ReceiptError("CODE128 barcode data is too long; use at most 250 characters.")
        kind = 73
    elif symbology in _GS1:
        kind, length = _GS1[symbology]
        _check_gs1(block.data, length, symbology)
        payload = block.data.encode("ascii")
    else:
        raise ReceiptError(
            f"Barcode symbology {block.symbology!r} is not supported; use CODE128, EAN13, "
            "EAN8 or UPCA."
        )
    setup = GS + b"h\x50" + GS + b"w\x02" + GS + b"H\x02"  # 80 dots high, HRI below
    return (
        align("center")
        + setup
        + GS
        + b"k"
        + bytes([kind, len(payload)])
        + payload
        + b"\n"
        + (align("left"))
    )


def _qr(block: QRCode) -> bytes:
    data = block.data.encode("utf-8")
    if not data or len(data) > 7089:
        raise ReceiptError("QR code data must be 1 to 7089 bytes long.")
    if not 1 <= block.size <= 16:
        raise ReceiptError(f"QR module size {block.size} is out of range; use 1 to 16.")
    store = len(data) + 3
    return b"".join(
        (
            align("center"),
            GS + b"(k\x04\x00\x31\x41\x32\x00",  # model 2
            GS + b"(k\x03\x00\x31\x43" + bytes([block.size]),
            GS + b"(k\x03\x00\x31\x45\x31",  # error correction M
            GS + b"(k" + bytes([store & 0xFF, store >> 8]) + b"\x31\x50\x30" + data,
            GS + b"(k\x03\x00\x31\x51\x30",  # print the stored symbol
            b"\n",
            align("left"),
        )
    )


def _image(block: Image) -> bytes:
    width_bytes = (block.width + 7) // 8
    data = bytes.fromhex(block.data_hex)
    if block.width <= 0 or block.height <= 0 or len(data) != width_bytes * block.height:
        raise ReceiptError("The logo image data does not match its size; load the logo again.")
    head = bytes([width_bytes & 0xFF, width_bytes >> 8, block.height & 0xFF, block.height >> 8])
    return align("center") + GS + b"v0\x00" + head + data + b"\n" + align("left")


def render_block(block, codec: str) -> bytes:
    """Render one block with the given python codec for text."""
    if isinstance(block, TextLine):
        return _text(block, codec)
    if isinstance(block, Barcode):
        return _barcode(block)
    if isinstance(block, QRCode):
        return _qr(block)
    if isinstance(block, Feed):
        return ESC + b"d" + bytes([max(0, min(255, block.lines))])
    if isinstance(block, Cut):
        return ESC + b"d" + bytes([CUT_FEED_LINES]) + GS + b"V\x01"
    if isinstance(block, DrawerPulse):
        return drawer_pulse_bytes(block.pin, block.on_ms, block.off_ms)
    if isinstance(block, Image):
        return _image(block)
    raise ReceiptError(f"Cannot print a {type(block).__name__}; it is not a print block.")


def job_header(code_page_name: str, profile: str | None = None) -> bytes:
    """``ESC @`` then ``ESC t n``: every job starts from a known printer state.

    ``n`` is the code page's number on the printer's profile (Epson numbering without one).
    """
    number, _codec = code_page(code_page_name, profile)
    return INIT + ESC + b"t" + bytes([number])


def render_job(job: PrintJob, code_page_name: str = "CP858", profile: str | None = None) -> bytes:
    """Render a whole job, starting with ``ESC @`` and the code page selection.

    Args:
        job: The blocks to print.
        code_page_name: A name from ``CODE_PAGES``; CP858 prints the euro sign.
        profile: The printer's python-escpos profile, whose numbering selects the code page.

    Returns:
        The ESC/POS byte stream.

    Raises:
        ReceiptError: A block cannot be rendered (nothing should be sent then).
        ValueError: The code page is unknown.
    """
    _number, codec = code_page(code_page_name, profile)
    parts = [job_header(code_page_name, profile)]
    parts.extend(render_block(block, codec) for block in job.blocks)
    return b"".join(parts)
