"""CloudWait: a cloud call on the window's TaskRunner, the answer back on the GUI thread, and
an answer that comes after Esc handed to ``on_late`` instead."""

from __future__ import annotations

import threading

from pos_desktop.ui.tasks import TaskRunner
from pos_desktop.ui.views.cloud_wait import CloudWait


def test_the_answer_comes_back_on_the_gui_thread(qtbot):
    runner = TaskRunner()
    busy: list[bool] = []
    done: list[tuple[int, threading.Thread]] = []
    wait = CloudWait(runner, busy.append)
    wait.run(lambda: 42, lambda r: done.append((r, threading.current_thread())), done.append)
    assert wait.pending and busy == [True]
    qtbot.waitUntil(lambda: bool(done), timeout=3000)
    assert done == [(42, threading.main_thread())]
    assert busy == [True, False] and not wait.pending


def test_an_answer_after_cancel_goes_to_on_late(qtbot):
    runner = TaskRunner()
    gate = threading.Event()
    seen: dict[str, object] = {}
    wait = CloudWait(runner, lambda _busy: None)
    wait.run(
        lambda: gate.wait(5) and "taken",
        lambda r: seen.setdefault("done", r),
        lambda e: seen.setdefault("failed", e),
        on_late=lambda r, e: seen.setdefault("late", (r, e)),
    )
    assert wait.cancel() and not wait.pending
    assert not wait.cancel()  # nothing out any more
    gate.set()
    qtbot.waitUntil(lambda: "late" in seen, timeout=3000)
    assert seen == {"late": ("taken", None)}
    assert runner.wait(3000)
