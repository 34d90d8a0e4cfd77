"""Decode ESC/POS ``DLE EOT n`` status bytes into the shared ``DeviceStatus`` model."""

from __future__ import annotations

from hardware.base import DeviceState, DeviceStatus

DLE_EOT = b"\x10\x04"
FIXED_MASK = 0b1001_0011  # bits 7, 4, 1, 0 are fixed in every DLE EOT reply
FIXED_VALUE = 0b0001_0010  # ... as 0xx1xx10


def is_valid_status_byte(value: int) -> bool:
    """True when the fixed bits match ``0xx1xx10``."""
    return (value & FIXED_MASK) == FIXED_VALUE


_MESSAGES = {
    "paper_out": "The printer is out of paper: load a new roll and close the cover.",
    "cover_open": "The printer cover is open: close it.",
    "offline": "The printer is offline: check it is switched on and not feeding paper.",
    "paper_low": "The paper roll is nearly finished: have a new roll ready.",
    "no_reply": "The printer does not answer status requests: check the cable and power.",
}


def status_from_bytes(
    printer: int, offline_cause: int, paper: int, *, drawer_open_high: bool = True
) -> DeviceStatus:
    """Map the replies to ``DLE EOT 1``, ``2`` and ``4`` to a ``DeviceStatus``.

    Args:
        printer: Reply to n=1 (bit 3 offline, bit 2 drawer connector pin 3 level).
        offline_cause: Reply to n=2 (bit 2 cover open, bit 5 paper-out stop).
        paper: Reply to n=4 (bits 2-3 paper near end, bits 5-6 paper end).
        drawer_open_high: Drawer wiring polarity; True when a high pin 3 means open.

    Returns:
        The status; ERROR wins over WARNING, which wins over READY.
    """
    reasons: set[str] = set()
    if offline_cause & 0x04:
        reasons.add("cover_open")
    if offline_cause & 0x20 or paper & 0x60:
        reasons.add("paper_out")
    if printer & 0x08 and not reasons:
        reasons.add("offline")  # offline with no cause we know of (e.g. feed button held)
    errors = set(reasons)
    if paper & 0x0C and "paper_out" not in reasons:
        reasons.add("paper_low")
    if bool(printer & 0x04) == drawer_open_high:
        reasons.add("drawer_open")
    if errors:
        state = DeviceState.ERROR
    elif "paper_low" in reasons:
        state = DeviceState.WARNING
    else:
        state = DeviceState.READY
    message = " ".join(
        _MESSAGES[r] for r in ("cover_open", "paper_out", "offline", "paper_low") if r in reasons
    )
    return DeviceStatus(state, frozenset(reasons), message or "The printer is ready.")


def no_reply_status(detail: str = "") -> DeviceStatus:
    """The status for silence or an unusable reply: UNKNOWN, never READY."""
    message = _MESSAGES["no_reply"] + (f" ({detail})" if detail else "")
    return DeviceStatus(DeviceState.UNKNOWN, frozenset({"no_reply"}), message)
