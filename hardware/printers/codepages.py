"""ESC/POS code pages (``ESC t n``) and the Python codecs that encode text for them.

The number ``n`` that selects a code page differs between makers: ``ESC t 19`` is CP858 on Epson
but CP772 on the Star TSP600/TUP500/SP2000 and CP747 on the KR-306, where CP858 is 4 (Star) or
14 (KR-306). With a printer profile the numbers come from python-escpos's capability profile for
that model (the escpos-printer-db data); without one, the Epson numbering below is used.
"""

from __future__ import annotations

# Epson numbering (no profile). name -> (ESC t number, python codec).
# CP858 is CP850 with the euro sign at 0xD5.
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


def _canonical(name: str) -> str:
    key = name.strip().upper()
    return "WPC1252" if key == "CP1252" else key


def code_page(name: str, profile: str | None = None) -> tuple[int, str]:
    """Look a code page up by name (case-insensitive, ``CP1252`` accepted for WPC1252).

    Args:
        name: For example ``"CP858"``.
        profile: A python-escpos profile name (``"TM-T20II"``, ``"TSP600"``); its own
            ``ESC t`` numbers are used. None: the Epson numbering.

    Returns:
        ``(escpos_number, python_codec)``.

    Raises:
        ValueError: The code page is not supported (by this program, or by the printer
            profile); the message lists the usable ones.
    """
    key = _canonical(name)
    if key not in CODE_PAGES:
        raise ValueError(
            f"Code page {name!r} is not supported; use one of {', '.join(CODE_PAGES)} "
            "(CP858 or WPC1252 print the euro sign)."
        )
    if not profile:
        return CODE_PAGES[key]
    numbers = profile_code_pages(profile)
    if key not in numbers:
        offered = ", ".join(sorted(numbers, key=numbers.__getitem__)) or "none we can encode"
        raise ValueError(
            f"Printer profile {profile!r} has no code page {name}; it offers {offered} "
            "(CP858 or WPC1252 print the euro sign)."
        )
    return numbers[key], CODE_PAGES[key][1]


def profile_code_pages(profile: str) -> dict[str, int]:
    """The code pages of a python-escpos profile that we can encode: name -> its ESC t number.

    When a profile lists a code page under several numbers, the lowest is used.

    Raises:
        ValueError: The profile is unknown.
    """
    from hardware.printers.escpos_lib import escpos_modules

    _core, _printer, capabilities = escpos_modules()
    profiles = capabilities.CAPABILITIES["profiles"]
    if profile not in profiles:
        raise ValueError(f"Printer profile {profile!r} is unknown to python-escpos.")
    numbers: dict[str, int] = {}
    for number, page in sorted(
        profiles[profile].get("codePages", {}).items(), key=lambda item: int(item[0])
    ):
        key = _canonical(page)
        if key in CODE_PAGES:
            numbers.setdefault(key, int(number))
    return numbers


def codec_by_number(profile: str | None = None) -> dict[int, str]:
    """ESC t number -> python codec for a profile (the Epson numbering without one)."""
    if not profile:
        return CODEC_BY_NUMBER
    return {number: CODE_PAGES[key][1] for key, number in profile_code_pages(profile).items()}


def encode_text(text: str, codec: str) -> bytes:
    """Encode text for the printer; control characters and unmappable ones become ``?``.

    Control characters are replaced so that a product name can never smuggle printer
    commands (ESC, GS, DLE) into a receipt.
    """
    safe = "".join("?" if (ord(ch) < 0x20 or ord(ch) == 0x7F) else ch for ch in text)
    return safe.encode(codec, errors="replace")
