"""The window's shortcuts win over a line edit's own editing keys.

On X11 Qt gives a line edit Emacs-style keys (Ctrl+U deletes the line, Ctrl+E goes to its end,
Ctrl+A, Ctrl+Z) and the line edit claims them before any shortcut of the window sees them. The
till keeps its cursor in the scan field, so Ctrl+U (customer) and Ctrl+E (e-mail the receipt)
did nothing on a Linux till (the offscreen platform the journeys run on has no such bindings;
tests/integration/test_real_window_scanner.py presses them in a real X window).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLineEdit, QWidget


class ShortcutsFirst(QObject):
    """Installed on a line edit: a key that is an enabled shortcut of ``owner`` (its
    QShortcuts, or an action of its window) is left to that shortcut; every other key
    edits as usual."""

    def __init__(self, entry: QLineEdit, owner: QWidget) -> None:
        super().__init__(entry)
        self._owner = owner
        entry.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() != QEvent.Type.ShortcutOverride:
            return False
        key_event: QKeyEvent = event  # type: ignore[assignment]
        if key_event.modifiers() == Qt.KeyboardModifier.NoModifier:
            return False  # plain keys always edit
        if self._is_shortcut(QKeySequence(key_event.keyCombination())):
            event.ignore()  # not claimed by the line edit: the shortcut fires
            return True
        return False

    def _is_shortcut(self, pressed: QKeySequence) -> bool:
        if any(s.isEnabled() and s.key() == pressed for s in self._owner.findChildren(QShortcut)):
            return True
        window = self._owner.window()
        return any(a.isEnabled() and pressed in a.shortcuts() for a in window.actions())
