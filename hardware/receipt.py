"""A device-neutral print job. ``pos_desktop`` builds these; printer drivers render them.

Blocks are plain frozen dataclasses so a job can be logged, compared in tests, and rendered
by any driver (ESC/POS today) without the builder knowing printer bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

ALIGNMENTS = ("left", "center", "right")
SYMBOLOGIES = ("CODE128", "EAN13", "EAN8", "UPCA")


@dataclass(frozen=True)
class TextLine:
    """One line of text. Newlines inside ``text`` start new lines with the same style."""

    text: str
    align: str = "left"
    bold: bool = False
    double: bool = False


@dataclass(frozen=True)
class Barcode:
    """A linear barcode printed natively by the printer (centred, human-readable text below)."""

    data: str
    symbology: str = "CODE128"


@dataclass(frozen=True)
class QRCode:
    """A QR code printed natively (``GS ( k``); ``size`` is the module size in dots (1-16)."""

    data: str
    size: int = 6


@dataclass(frozen=True)
class Feed:
    """Feed ``lines`` blank lines."""

    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """Feed past the cutter and cut the paper (partial cut)."""


@dataclass(frozen=True)
class DrawerPulse:
    """Open the cash drawer wired to the printer's kick connector (pin 2 or 5)."""

    pin: int = 2
    on_ms: int = 50
    off_ms: int = 500


@dataclass(frozen=True)
class Image:
    """A 1-bit raster (a logo), printed centred with ``GS v 0``.

    ``data_hex`` holds ``height`` rows of ``ceil(width / 8)`` bytes, most significant bit first,
    1 = black. Hex text keeps a stored job plain data (reprints are byte-identical).
    """

    data_hex: str
    width: int
    height: int


PrintBlock = TextLine | Barcode | QRCode | Feed | Cut | DrawerPulse | Image


@dataclass(frozen=True)
class PrintJob:
    """An ordered sequence of blocks; ``columns`` is the width the builder laid text out for."""

    blocks: tuple[PrintBlock, ...]
    columns: int = 48
