"""The full integrity check of the till database, in the background once the window shows.

``PRAGMA quick_check`` reads every page (about 0.7 s for a 300 MB database with 1M products):
too long to keep the cashier waiting at every start, so the start only checks the header and
the schema and this thread does the rest on its own read-only connection. Damage found is shown
at once, in a dialog that says what is wrong and how to restore.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox

from pos_desktop.storage.safekeeping import check_file, damaged_message

log = logging.getLogger(__name__)

INTEGRITY_CHECK_DELAY_MS = 3000  # after the start, so the check does not slow it down


class IntegrityWatch(QObject):
    """``IntegrityWatch(window).start(db_path)``; ``damaged`` carries the message."""

    damaged = Signal(str)
    finished = Signal()

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.problem: str | None = None
        self.damaged.connect(self.on_damaged, Qt.ConnectionType.QueuedConnection)

    def start(self, db_path: Path) -> IntegrityWatch:
        threading.Thread(
            target=self._run, args=(Path(db_path),), name="pos-integrity", daemon=True
        ).start()
        return self

    def _run(self, db_path: Path) -> None:
        problem = check_file(db_path, full=True)
        if problem is not None:
            self.problem = damaged_message(db_path, problem)
            log.error("%s", self.problem)
            self.damaged.emit(self.problem)
        self.finished.emit()

    def on_damaged(self, text: str) -> None:
        view = getattr(self.window, "checkout_view", None)
        if view is not None:
            view.show_message(text, error=True)
        box = QMessageBox(QMessageBox.Icon.Critical, "The till database is damaged", text)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setParent(self.window, box.windowFlags())
        box.open()
