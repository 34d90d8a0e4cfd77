"""Application-wide keyboard-wedge scanner filter.

Printable keys are held back for a few milliseconds: a fast burst ended by Enter is a scan (it
is emitted as ``scanned`` and never reaches any widget, so a scan cannot leak into a search or
PIN field); anything else is replayed, in order, to the widget it was meant for. The decision is
made by the pure parser in ``hardware.scanners.wedge``; timing uses ``time.monotonic()`` because
synthetic key events carry no timestamp.

A USB HID scanner types like a keyboard: Shift goes down for capitals, AltGr (seen by
applications as Ctrl+Alt on some systems) for characters such as ``@`` on a German layout. Those
modifier presses are part of the burst: they pass through without settling it, and a printable
text typed with Ctrl+Alt held is AltGr text, not a shortcut. GS1's FNC1 arrives as ASCII 29 (GS,
``Ctrl+]``) and is held as part of the burst too.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from hardware.scanners.wedge import ReplayKeys, ScanDetected, WedgeBurstParser

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
        Qt.Key.Key_Mode_switch,
        Qt.Key.Key_CapsLock,
    }
)
_CTRL = Qt.KeyboardModifier.ControlModifier
_ALT = Qt.KeyboardModifier.AltModifier
GS = "\x1d"


def is_burst_text(text: str, modifiers: Qt.KeyboardModifier) -> bool:
    """True when a key's text belongs in a burst: printable text typed plain, with Shift, or
    with AltGr (Ctrl+Alt both held); or GS. Ctrl or Alt alone make it a shortcut."""
    if text == GS:
        return True
    if len(text) != 1 or not text.isprintable():
        return False
    held = modifiers & (_CTRL | _ALT)
    return held == Qt.KeyboardModifier.NoModifier or held == (_CTRL | _ALT)


class WedgeScannerFilter(QObject):
    scanned = Signal(str)

    def __init__(
        self,
        *,
        max_gap_ms: int = 35,
        min_length: int = 6,
        prefix: str = "",
        suffix: str = "",
        gs_substitute: str = "",
        clock=time.monotonic,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._now = clock  # tests pass a manual clock so key timing does not depend on load
        self._parser = WedgeBurstParser(
            max_gap_s=max_gap_ms / 1000,
            min_length=min_length,
            prefix=prefix,
            suffix=suffix,
            gs_substitute=gs_substitute,
        )
        self._held: list[tuple[QObject, QKeyEvent]] = []
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max_gap_ms + 5)
        self._timer.timeout.connect(self._on_timeout)

    def install(self, app: QApplication) -> WedgeScannerFilter:
        app.installEventFilter(self)
        return self

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if self._replaying:
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            # A shortcut (F2...) fires before its KeyPress is delivered: keys typed just before
            # it must reach their field first (a quantity typed quickly, then F2).
            if self._held and self._settles_burst(event):
                self._apply(self._parser.flush(self._now(), force=True))
            return False
        if event.type() != QEvent.Type.KeyPress:
            return False
        if not watched.isWidgetType():
            return False  # Qt delivers a key to the window too; act once, on the widget
        key_event: QKeyEvent = event  # type: ignore[assignment]
        if key_event.key() in _MODIFIER_KEYS:
            return False  # Shift/AltGr inside a burst are part of it: nothing to settle
        now = self._now()
        text = key_event.text()
        if key_event.key() in _ENTER_KEYS:
            if not self._held:
                return False
            return self._apply(self._parser.feed_enter(now), enter=(watched, key_event))
        if is_burst_text(text, key_event.modifiers()):
            self._held.append(
                (watched, QKeyEvent(key_event.type(), key_event.key(), key_event.modifiers(), text))
            )
            self._apply(self._parser.feed(text, now))
            self._timer.start()
            return True
        if self._held:  # a function key or shortcut: settle what is held first, then let it pass
            self._apply(self._parser.flush(now, force=True))
        return False

    @staticmethod
    def _settles_burst(event: QKeyEvent) -> bool:
        key = event.key()
        if key in _MODIFIER_KEYS or key in _ENTER_KEYS:
            return False
        return not is_burst_text(event.text(), event.modifiers())

    def _on_timeout(self) -> None:
        self._apply(self._parser.flush(self._now()))
        if self._parser.pending:  # woke a little early: the burst may still be going on
            self._timer.start()

    def _apply(self, actions, enter=None) -> bool:
        """Carry out the parser's decisions; True when the Enter key was consumed by a scan."""
        consumed = False
        for action in actions:
            if isinstance(action, ScanDetected):
                self._held.clear()
                self._timer.stop()
                self.scanned.emit(action.code)
                consumed = True
            elif isinstance(action, ReplayKeys):
                self._replay(len(action.chars))
        if enter is not None and not consumed and self._held:
            self._replay(len(self._held))  # defensive: nothing stays held behind a passed Enter
        return consumed

    def _replay(self, count: int) -> None:
        batch, self._held = self._held[:count], self._held[count:]
        self._replaying = True
        try:
            for target, event in batch:
                QCoreApplication.sendEvent(target, event)
        finally:
            self._replaying = False
