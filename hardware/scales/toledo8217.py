"""Mettler-Toledo 8217 protocol scale (9600 7E1): ``W`` weight, ``?`` status, ``Z`` zero.

Replies are ``STX <weight> CR`` (e.g. ``b"\\x02 1.250\\r"`` = 1.250 kg) or, when the scale cannot
weigh, ``STX ? <status byte> CR``. Status bits (impl.): 0 motion, 1 over capacity, 2 under
zero, 3 outside zero capture range, 4 centre of zero. Weights are integer grams, never float.

The status byte is binary: over capacity alone is 0x02 (the value of STX) and motion with under
zero and out of range is 0x0D (the value of CR), so replies are read by position: after
``STX ?`` exactly one status byte, then CR.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from hardware.base import DeviceError, DeviceState, DeviceStatus
from hardware.serial_port import open_serial

log = logging.getLogger(__name__)

STX, CR = 0x02, 0x0D
MOTION, OVER_CAPACITY, UNDER_ZERO, OUTSIDE_ZERO_RANGE, CENTRE_OF_ZERO = 1, 2, 4, 8, 16
MAX_REPLY = 32
_WEIGHT = re.compile(r"^ *(-?)(\d{0,6})(?:\.(\d{1,4}))?$")
_REASONS = (
    (MOTION, "unstable", "The weight is not stable yet; wait until the goods lie still."),
    (OVER_CAPACITY, "over_capacity", "The scale is over capacity; take some weight off."),
    (UNDER_ZERO, "under_zero", "The scale reads below zero; empty it and press Zero."),
    (
        OUTSIDE_ZERO_RANGE,
        "outside_zero_range",
        "The scale cannot be zeroed with this much weight; empty the platter.",
    ),
)


class ScaleError(DeviceError):
    """A weighing failed. ``reason`` is machine-readable, the message is for the cashier.

    Reasons: unstable, over_capacity, under_zero, outside_zero_range, no_reply, bad_reply,
    disconnected.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class WeightReading:
    """A weight in integer grams; ``stable`` is False only for readings taken in motion."""

    grams: int
    stable: bool = True

    @property
    def kilograms(self) -> Decimal:
        """The weight as an exact Decimal in kg (for pricing)."""
        return Decimal(self.grams) / 1000


def parse_status_byte(status: int) -> list[tuple[str, str]]:
    """Return ``(reason, message)`` for every error bit set in an 8217 status byte."""
    return [(reason, text) for bit, reason, text in _REASONS if status & bit]


def frame_body(data: bytes) -> bytes | None:
    """The body of the last complete ``STX ... CR`` frame that ends ``data``, or None.

    A status frame is read by position (``STX ? <any byte> CR``), so a status byte equal to
    STX or CR cannot end or restart the frame; bytes before a frame are ignored.
    """
    body, i = None, 0
    while i < len(data):
        if data[i] != STX:
            i += 1
            continue
        if data[i + 1 : i + 2] == b"?":
            if len(data) < i + 4:
                return None  # the status byte or CR is still to come
            end = i + 3
        else:
            end = data.find(b"\r", i + 1)
            if end < 0:
                return None
        body, i = data[i + 1 : end], end + 1
        if end < len(data) and data[end] != CR:  # STX ? x, then not CR: no 8217 frame
            body, i = None, end
    return body if body is not None and i == len(data) else None


def parse_reply(data: bytes) -> WeightReading:
    """Parse one reply to ``W``.

    Args:
        data: Bytes from the scale, ending at CR; bytes before the last frame are ignored.

    Returns:
        The weight, rounded half-up to whole grams.

    Raises:
        ScaleError: the scale reported a problem (reason from the status byte, every set status
            named in the message) or the reply is not an 8217 reply (``bad_reply``).
    """
    body = frame_body(data)
    if body is None:
        if data.rfind(bytes([STX])) >= 0 and data.endswith(b"\r") and b"?" in data:
            raise ScaleError("bad_reply", _bad_reply("the status reply has the wrong length"))
        raise ScaleError("bad_reply", _bad_reply("it is not framed as STX ... CR"))
    if body.startswith(b"?"):
        return _raise_status(body)
    match = _WEIGHT.match(body.decode("ascii", "replace"))
    if match is None or not (match.group(2) or match.group(3)):
        raise ScaleError("bad_reply", _bad_reply("the weight is not a number"))
    if match.group(1):
        raise ScaleError("under_zero", _REASONS[2][2])
    kilograms = Decimal(f"{match.group(2) or '0'}.{match.group(3) or '0'}")
    grams = int((kilograms * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return WeightReading(grams=grams, stable=True)


def _raise_status(body: bytes) -> WeightReading:
    problems = parse_status_byte(body[1])
    if not problems:
        raise ScaleError("bad_reply", _bad_reply("it sent a status without an error"))
    raise ScaleError(problems[0][0], " ".join(text for _, text in problems))


def _bad_reply(why: str) -> str:
    return f"The scale's answer could not be read ({why}); check that it uses the 8217 protocol."


class Toledo8217Scale:
    """Driver for a Mettler-Toledo 8217 scale on a serial port.

    Args:
        uri: Port URI; defaults are 9600 7E1 (``serial:///dev/ttyUSB1``).
        reply_timeout: Seconds to wait for each reply.
    """

    def __init__(self, uri: str, *, reply_timeout: float = 1.0) -> None:
        self.uri = uri
        self.reply_timeout = reply_timeout
        self._port = None
        self._lock = threading.Lock()

    def read_weight(self, *, wait_stable_s: float = 0.0) -> WeightReading:
        """Read a stable weight, retrying while the scale is in motion for ``wait_stable_s``.

        Raises:
            ScaleError: unstable, over_capacity, under_zero, no_reply, bad_reply, disconnected.
        """
        deadline = time.monotonic() + wait_stable_s
        while True:
            try:
                return parse_reply(self._command(b"W"))
            except ScaleError as exc:
                if exc.reason != "unstable" or time.monotonic() >= deadline:
                    raise

    def zero(self) -> None:
        """Zero the scale.

        Raises:
            ScaleError: the scale refused (unstable, outside_zero_range) or did not answer.
        """
        reply = self._command(b"Z")
        problems = parse_status_byte(_status_of(reply))
        if problems:
            raise ScaleError(*problems[0])

    def status(self) -> DeviceStatus:
        """Ask the scale for its status; silence is UNKNOWN, never READY."""
        try:
            problems = parse_status_byte(_status_of(self._command(b"?")))
        except ScaleError as exc:
            gone = exc.reason == "disconnected"
            state = DeviceState.DISCONNECTED if gone else DeviceState.UNKNOWN
            return DeviceStatus(state, frozenset({exc.reason}), str(exc))
        if not problems:
            return DeviceStatus(DeviceState.READY)
        reasons = frozenset(reason for reason, _ in problems)
        return DeviceStatus(DeviceState.WARNING, reasons, problems[0][1])

    def close(self) -> None:
        """Close the port."""
        with self._lock:
            self._drop()

    def _command(self, command: bytes) -> bytes:
        with self._lock:
            try:
                if self._port is None:
                    self._port = open_serial(
                        self.uri, baudrate=9600, bytesize=7, parity="E", timeout=0.05
                    )
                port = self._port
                port.reset_input_buffer()
                port.write(command)
                return self._read_reply(port)
            except ScaleError:
                raise
            except Exception as exc:  # SerialException/OSError/DeviceError: port is gone
                self._drop()
                raise ScaleError(
                    "disconnected", f"The scale is not connected ({exc}); check its cable."
                ) from exc

    def _read_reply(self, port) -> bytes:
        deadline = time.monotonic() + self.reply_timeout
        data = bytearray()
        while time.monotonic() < deadline and len(data) < MAX_REPLY:
            data += port.read(1)
            if data.endswith(b"\r") and frame_body(bytes(data)) is not None:
                return bytes(data)
        if data:
            raise ScaleError("bad_reply", _bad_reply("the reply did not end with CR"))
        raise ScaleError(
            "no_reply", "The scale did not answer; check that it is on and its cable is in."
        )

    def _drop(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except Exception:  # an unplugged port may fail to close
                log.debug("closing the scale port failed", exc_info=True)


def _status_of(reply: bytes) -> int:
    body = frame_body(reply) or b""
    if len(body) != 2 or body[:1] != b"?":
        raise ScaleError("bad_reply", _bad_reply("expected a status reply"))
    return body[1]
