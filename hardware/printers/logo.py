"""Turn a logo picture into a printable 1-bit raster (once, when the till starts)."""

from __future__ import annotations

from pathlib import Path

from hardware.base import DeviceError
from hardware.receipt import Image

DEFAULT_MAX_WIDTH = 384  # dots: fits 58 mm paper; 80 mm printers take up to 512-576


def load_logo(path: str | Path, *, max_width: int = DEFAULT_MAX_WIDTH) -> Image:
    """Read a PNG/JPEG/BMP, scale it to ``max_width`` dots at most, threshold it to black/white.

    Raises:
        DeviceError: the file is missing or is not a picture (the message names the file).
    """
    from PIL import Image as PILImage  # Pillow comes with python-escpos

    try:
        with PILImage.open(path) as picture:
            gray = picture.convert("L")
    except (OSError, ValueError) as err:
        raise DeviceError(f"Logo {path}: cannot be read as a picture ({err}).") from err
    if gray.width > max_width:
        height = max(1, round(gray.height * max_width / gray.width))
        gray = gray.resize((max_width, height))
    width_bytes = (gray.width + 7) // 8
    rows = bytearray()
    pixels = gray.load()
    for y in range(gray.height):
        row = bytearray(width_bytes)
        for x in range(gray.width):
            if pixels[x, y] < 128:  # dark pixel -> black dot
                row[x // 8] |= 0x80 >> (x % 8)
        rows += row
    return Image(data_hex=rows.hex(), width=gray.width, height=gray.height)
