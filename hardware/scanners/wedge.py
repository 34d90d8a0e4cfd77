"""Pure keyboard-wedge burst parser: was that a barcode scanner or a person typing?

A keyboard-wedge scanner "types" its code very fast and presses Enter. The UI's event filter
feeds every key here with ``time.monotonic()`` and swallows it; the parser answers with
actions, executed in order:

* :class:`ScanDetected` - the buffered keys plus this Enter were a scan: handle the code.
* :class:`ReplayKeys` - the buffered keys were typing: re-send them to the focused widget.
* :class:`PassEnter` - let the current Enter through to the widget.

Call :meth:`WedgeBurstParser.flush` from a timer at :meth:`~WedgeBurstParser.next_deadline`
so typed keys reach the widget about ``max_gap_s`` after they were pressed. Control characters
are never replayed (they must not leak into search or PIN fields).

Scanners can frame each code with a configured prefix and suffix (both stripped), and send
GS1-128's FNC1 separator as ASCII 29 (GS) or as a configured substitute text, which comes out as
GS so the GS1 parser sees the element string intact. Symbology identifiers (``]C1``, ``]e0``) are
part of the code and left for the GS1 parser.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScanDetected:
    """A complete scan (prefix and suffix stripped, GS substitutes turned into GS, Enter
    swallowed)."""

    code: str


@dataclass(frozen=True)
class ReplayKeys:
    """Keys that were typing: give them back to the widget (control characters removed)."""

    chars: str


@dataclass(frozen=True)
class PassEnter:
    """The current Enter key was typed by a person: let it through."""


Action = ScanDetected | ReplayKeys | PassEnter


class WedgeBurstParser:
    """Decide per key burst whether it was a scan.

    A scan is at least ``min_length`` characters with every gap (including the one before
    Enter) at most ``max_gap_s``, lasting at most ``max_scan_s``, ended by Enter. A burst framed
    by the configured ``prefix`` or ``suffix`` only needs the timing rules.

    Args:
        max_gap_s: Longest pause between two keys of a scan.
        min_length: Fewest characters in a scan without prefix or suffix.
        max_scan_s: Longest duration of a whole scan.
        prefix: Optional prefix the scanner is configured to send; stripped from codes.
        suffix: Optional suffix the scanner sends before its Enter; stripped from codes.
        gs_substitute: Optional text the scanner sends for GS1's FNC1 separator; scans carry
            GS (ASCII 29) in its place.
    """

    def __init__(
        self,
        max_gap_s: float = 0.035,
        min_length: int = 6,
        max_scan_s: float = 1.5,
        prefix: str = "",
        suffix: str = "",
        gs_substitute: str = "",
    ) -> None:
        self.max_gap_s = max_gap_s
        self.min_length = min_length
        self.max_scan_s = max_scan_s
        self.prefix = prefix
        self.suffix = suffix
        self.gs_substitute = gs_substitute
        self._chars: list[str] = []
        self._first = 0.0
        self._last = 0.0
        # True while keys keep coming without a pause after a burst ran over max_scan_s
        # (a held key auto-repeats): its tail must not become a scan.
        self._overlong = False

    @property
    def pending(self) -> bool:
        """True while keys are held back."""
        return bool(self._chars)

    def next_deadline(self) -> float | None:
        """When :meth:`flush` can release held keys (monotonic seconds), or None."""
        return self._last + self.max_gap_s if self._chars else None

    def feed(self, char: str, t: float) -> list[Action]:
        """Buffer typed text (usually one character) pressed at time ``t``."""
        actions: list[Action] = []
        for single in char:
            if self._chars and self._burst_broken(t):
                self._overlong = t - self._last <= self.max_gap_s
                actions += self._replay()
            elif not self._chars:
                self._overlong = False
            if not self._chars:
                self._first = t
            self._chars.append(single)
            self._last = t
        return actions

    def feed_enter(self, t: float) -> list[Action]:
        """Handle Enter pressed at ``t``: end of a scan, or a person's Enter."""
        if not self._chars:
            return [PassEnter()]
        code, framed = self._unframe("".join(self._chars))
        long_enough = framed or len(code) >= self.min_length
        if code and long_enough and not self._overlong and not self._burst_broken(t):
            self._chars.clear()
            if self.gs_substitute:
                code = code.replace(self.gs_substitute, "\x1d")
            return [ScanDetected(code)]
        self._overlong = False
        return [*self._replay(), PassEnter()]

    def flush(self, t: float, *, force: bool = False) -> list[Action]:
        """Release held keys once the burst is over (or at once with ``force``, e.g. on focus
        change)."""
        if self._chars and (force or self._burst_broken(t)):
            return self._replay()
        return []

    def _unframe(self, text: str) -> tuple[str, bool]:
        """The code without the configured prefix/suffix, and whether either was there."""
        framed = False
        if self.prefix and text.startswith(self.prefix):
            text, framed = text[len(self.prefix) :], True
        if self.suffix and text.endswith(self.suffix):
            text, framed = text[: -len(self.suffix)], True
        return text, framed

    def _burst_broken(self, t: float) -> bool:
        return t - self._last > self.max_gap_s or t - self._first > self.max_scan_s

    def _replay(self) -> list[Action]:
        chars = "".join(c for c in self._chars if c.isprintable())
        self._chars.clear()
        return [ReplayKeys(chars)] if chars else []
