"""Run work off the GUI thread and get the result back on it.

``op`` never touches a widget; ``on_success``/``on_failure`` run on the GUI thread. Tests use
:class:`InlineTaskRunner`, which runs everything at once on the calling thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal


class _Relay(QObject):
    succeeded = Signal(object, object)
    failed = Signal(object, object)


class TaskRunner(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one core worker: business actions stay in order
        # Owned by this runner (so by the window): never left to Python's garbage collector.
        self._relay = _Relay(self)
        self._relay.succeeded.connect(lambda cb, result: cb and cb(result))
        self._relay.failed.connect(lambda cb, err: cb and cb(err))

    def run(self, op: Callable[[], Any], on_success=None, on_failure=None) -> None:
        relay = self._relay

        def job() -> None:
            # A plain callable, not a QRunnable subclass: the pool deletes its own runnable
            # after the run, and a Python subclass of it could be freed a second time by the
            # garbage collector later (a crash far from here).
            try:
                result = op()
            except Exception as err:  # delivered to on_failure on the GUI thread
                relay.failed.emit(on_failure, err)
            else:
                relay.succeeded.emit(on_success, result)

        self._pool.start(job)

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
