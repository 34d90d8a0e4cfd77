"""ESC/POS code pages (``ESC t n``) and the Python codecs that encode text for them."""

from __future__ import annotations

# name -> (ESC t number, python codec). CP858 is CP850 with the euro sign at 0xD5.
CODE_PAGES: dict[str, tuple[int, str]] = {
    "CP437": (0, "cp437"),
    "CP850": (2, "cp850"),
    "CP860": (3, "cp860"),
    "CP863": (4, "cp863"),
    "CP865": (5, "cp865"),
    "WPC1252": (16, "cp1252"),
    "CP866": (17, "cp866"),
    "CP852": (18, "cp852"),
    "CP858": (19, "cp858"),
}

#: ESC t number -> python codec, used by the parser to decode captured text.
CODEC_BY_NUMBER: dict[int, str] = {number: codec for number, codec in CODE_PAGES.values()}

DEFAULT_CODEC = "cp437"  # what a printer uses after ESC @ on most models


def code_page(name: str) -> tuple[int, str]:
    """Look a code page up by name (case-insensitive, ``CP1252`` accepted for WPC1252).

    Args:
        name: For example ``"CP858"``.

    Returns:
        ``(escpos_number, python_codec)``.

    Raises:
        ValueError: The code page is not supported; the message lists the supported ones.
    """
    key = name.strip().upper()
    if key == "CP1252":
        key = "WPC1252"
    if key not in CODE_PAGES:
        raise ValueError(
            f"Code page {name!r} is not supported; use one of {', '.join(CODE_PAGES)} "
            "(CP858 or WPC1252 print the euro sign)."
        )
    return CODE_PAGES[key]


def encode_text(text: str, codec: str) -> bytes:
    """Encode text for the printer; control characters and unmappable ones become ``?``.

    Control characters are replaced so that a product name can never smuggle printer
    commands (ESC, GS, DLE) into a receipt.
    """
    safe = "".join("?" if (ord(ch) < 0x20 or ord(ch) == 0x7F) else ch for ch in text)
    return safe.encode(codec, errors="replace")
