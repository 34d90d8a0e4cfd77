"""Run work off the GUI thread and get the result back on it.

``op`` never touches a widget; ``on_success``/``on_failure`` run on the GUI thread. Tests use
:class:`InlineTaskRunner`, which runs everything at once on the calling thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    succeeded = Signal(object, object)
    failed = Signal(object, object)


class _Job(QRunnable):
    def __init__(self, op: Callable[[], Any], relay: _Relay, ok, fail) -> None:
        super().__init__()
        self._op, self._relay, self._ok, self._fail = op, relay, ok, fail

    def run(self) -> None:
        try:
            result = self._op()
        except Exception as err:  # delivered to on_failure on the GUI thread
            self._relay.failed.emit(self._fail, err)
        else:
            self._relay.succeeded.emit(self._ok, result)


class TaskRunner(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one core worker: business actions stay in order
        self._relay = _Relay()
        self._relay.succeeded.connect(lambda cb, result: cb and cb(result))
        self._relay.failed.connect(lambda cb, err: cb and cb(err))

    def run(self, op, on_success=None, on_failure=None) -> None:
        self._pool.start(_Job(op, self._relay, on_success, on_failure))

    def wait(self, msecs: int = 5000) -> bool:
        return self._pool.waitForDone(msecs)


class InlineTaskRunner:
    """Runs the op and its callback immediately (tests, and work measured to be cheap)."""

    def run(self, op, on_success=None, on_failure=None) -> None:
        try:
            result = op()
        except Exception as err:
            if on_failure:
                on_failure(err)
            return
        if on_success:
            on_success(result)

    def wait(self, msecs: int = 0) -> bool:
        return True
