"""Wait for the cloud without freezing a dialog (a gift card's balance or redemption).

The request runs on the window's :class:`~pos_desktop.ui.tasks.TaskRunner`; the dialog says
"Checking the card…" and keeps handling keys. ``cancel`` (Esc) stops waiting: an answer that
comes later goes to ``on_late`` instead (which must touch no widget: the dialog may be gone),
so the caller can give back what the cloud took.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..tasks import InlineTaskRunner


class CloudWait:
    """One request at a time for one dialog.

    Args:
        tasks: the window's TaskRunner (None: run inline, as tests without a window do).
        busy: called with True while a request is out and False when it is over.
    """

    def __init__(self, tasks, busy: Callable[[bool], None]) -> None:
        self._tasks = tasks or InlineTaskRunner()
        self._busy = busy
        self._ticket = 0
        self.pending = False

    def run(
        self,
        op: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[Exception], None],
        on_late: Callable[[Any, Exception | None], None] | None = None,
    ) -> None:
        """``op`` on the worker; ``on_done(result)`` or ``on_failed(err)`` on the GUI thread
        unless the wait was cancelled, then ``on_late(result, err)``."""
        self._ticket += 1
        ticket = self._ticket
        self.pending = True
        self._busy(True)

        def answered(result: Any, err: Exception | None) -> None:
            if ticket != self._ticket or not self.pending:
                if on_late is not None:
                    on_late(result, err)
                return
            self.pending = False
            self._busy(False)
            if err is None:
                on_done(result)
            else:
                on_failed(err)

        self._tasks.run(op, lambda r: answered(r, None), lambda e: answered(None, e))

    def cancel(self) -> bool:
        """Stop waiting (the answer goes to ``on_late``); False when nothing was out."""
        if not self.pending:
            return False
        self._ticket += 1
        self.pending = False
        self._busy(False)
        return True
