"""The status model shared by every device, and the base error type."""

from __future__ import annotations

import enum
from dataclasses import dataclass

#: Reasons a device can give for its state.
REASONS = frozenset({"paper_low", "paper_out", "cover_open", "drawer_open", "offline", "no_reply"})


class DeviceState(enum.StrEnum):
    """Coarse state of a device. Silence is UNKNOWN, never READY."""

    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    READY = "ready"
    BUSY = "busy"
    WARNING = "warning"
    ERROR = "error"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class DeviceStatus:
    """A device's state plus the reasons behind it.

    Attributes:
        state: The coarse state.
        reasons: Subset of ``REASONS`` (e.g. ``{"paper_low"}``).
        message: A sentence for the cashier, may be empty.
    """

    state: DeviceState
    reasons: frozenset[str] = frozenset()
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when the device is ready (a warning such as paper low still prints)."""
        return self.state in (DeviceState.READY, DeviceState.WARNING)


class DeviceError(Exception):
    """A device operation failed; the message is written for a person."""
