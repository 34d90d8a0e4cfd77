"""A Mettler-Toledo 8217 scale on a pty: ``W`` weight, ``?`` status, ``Z`` zero, ``T`` tare."""

from __future__ import annotations

from hardware.scales.toledo8217 import (
    CENTRE_OF_ZERO,
    MOTION,
    OUTSIDE_ZERO_RANGE,
    OVER_CAPACITY,
    UNDER_ZERO,
)

from .pty_pair import PtySimulator

_STATUS_BASE = 0x20  # bit 5 set keeps the status byte printable (impl.); some scales leave it


class SimulatedScale(PtySimulator):
    """Simulated 8217 scale. Change the attributes at any time from the test.

    Attributes:
        weight_grams: Gross weight on the platter.
        unstable: Goods still moving: ``W`` answers with the motion status.
        capacity_grams: Above this ``W`` answers over capacity.
        silent: Fault switch: never answer.
        garbage: Fault switch: answer with bytes that are not 8217.
        zero_range_grams: ``Z`` only works below this weight.

    Args:
        status_base: Bits always set in the status byte; 0 gives raw bytes such as 0x02 for
            over capacity (the value of STX), as some scales send.
    """

    def __init__(
        self,
        weight_grams: int = 0,
        *,
        link_path: str | None = None,
        status_base: int = _STATUS_BASE,
    ) -> None:
        # A real 8217 runs 7E1 (the driver's default). ptys ignore parity, and Linux refuses
        # to re-open a pty last set to 7 bits or parity (tcsetattr: EINVAL), so the
        # simulator's URI asks for 8N1.
        super().__init__(link_path=link_path, uri_options="baudrate=9600&bytesize=8&parity=N")
        self.weight_grams = weight_grams
        self.zero_offset = 0
        self.tare_grams = 0
        self.unstable = False
        self.capacity_grams = 15_000
        self.zero_range_grams = 300
        self.silent = False
        self.garbage = False
        self.commands: list[str] = []
        self.status_base = status_base

    @property
    def net_grams(self) -> int:
        """What the display shows: gross minus zero offset minus tare."""
        return self.weight_grams - self.zero_offset - self.tare_grams

    def status_byte(self) -> int:
        """The current 8217 status byte."""
        flags = self.status_base
        if self.unstable:
            flags |= MOTION
        if self.weight_grams > self.capacity_grams:
            flags |= OVER_CAPACITY
        if self.net_grams < 0:
            flags |= UNDER_ZERO
        if abs(self.weight_grams - self.zero_offset) > self.zero_range_grams:
            flags |= OUTSIDE_ZERO_RANGE
        if self.net_grams == 0:
            flags |= CENTRE_OF_ZERO
        return flags

    def _serve(self) -> None:
        while True:
            command = chr(self._read_byte(None))
            self.commands.append(command)
            if self.silent:
                continue
            if self.garbage:
                self._write(b"\x15garbage\xff\r")
                continue
            reply = self._reply(command)
            if reply is not None:
                self._write(reply)

    def _reply(self, command: str) -> bytes | None:
        if command == "W":
            return self._weight_reply()
        if command == "Z":
            near_zero = abs(self.weight_grams - self.zero_offset) <= self.zero_range_grams
            if not self.unstable and near_zero:
                self.zero_offset = self.weight_grams
                self.tare_grams = 0
            return self._status_reply()
        if command == "T":
            if not self.unstable and self.net_grams > 0:
                self.tare_grams += self.net_grams
            return self._status_reply()
        if command == "?":
            return self._status_reply()
        return None  # unknown command: the scale stays quiet

    def _weight_reply(self) -> bytes:
        errors = self.status_byte() & (MOTION | OVER_CAPACITY | UNDER_ZERO)
        if errors:
            return self._status_reply()
        grams = self.net_grams
        text = f"{grams // 1000}.{grams % 1000:03d}".rjust(6)
        return b"\x02" + text.encode("ascii") + b"\r"

    def _status_reply(self) -> bytes:
        return b"\x02?" + bytes([self.status_byte()]) + b"\r"
