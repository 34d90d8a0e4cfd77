"""Status-bar label for cloud sync: online/offline, pending events, last sync, parked events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from pos_desktop.sync.worker import SyncStatus

POLL_MS = 1000


def describe(status: SyncStatus) -> tuple[str, str]:
    """The label text and its tooltip for a status snapshot (pure: tested without Qt).

    Examples: ``Cloud: online · 0 pending · synced 12:04``,
    ``Cloud: OFFLINE · 37 pending (selling continues)``, ``... · 2 parked: <reason>``.
    """
    if status.online:
        text = f"Cloud: online · {status.pending} pending"
        if status.last_success_at is not None:
            text += f" · synced {_local_hhmm(status.last_success_at)}"
    else:
        text = f"Cloud: OFFLINE · {status.pending} pending (selling continues)"
    if status.parked:
        first = status.parked_reasons[0] if status.parked_reasons else "see 'pos-admin sync status'"
        text += f" · {status.parked} parked: {first}"
    tip = [f"Last error: {status.last_error}"] if status.last_error else []
    tip += [f"Parked {reason}" for reason in status.parked_reasons]
    if status.last_success_at is not None:
        tip.append(f"Last success: {status.last_success_at.astimezone():%Y-%m-%d %H:%M:%S}")
    return text, "\n".join(tip)


def _local_hhmm(moment: datetime) -> str:
    return f"{moment.astimezone():%H:%M}"


class SyncIndicator(QLabel):
    """Polls ``status()`` (the worker's in-memory snapshot) once a second and shows it.

    Args:
        status: usually ``worker.status``; must be cheap (it runs on the GUI thread).
    """

    def __init__(self, status: Callable[[], SyncStatus], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncIndicator")
        self._status = status
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.on_timer_timeout)
        self._timer.start()
        self.on_timer_timeout()

    def on_timer_timeout(self) -> None:
        status = self._status()
        text, tip = describe(status)
        self.setText(text)
        self.setToolTip(tip)
        self.setProperty(
            "state", "parked" if status.parked else "online" if status.online else "offline"
        )

    def stop(self) -> None:
        self._timer.stop()
