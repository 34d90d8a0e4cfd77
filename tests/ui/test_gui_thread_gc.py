"""Cyclic garbage is collected on the GUI thread only, never on a worker thread."""

from __future__ import annotations

import gc
import threading

from pos_desktop.ui.gui_thread_gc import GuiThreadCollector, collect_due


class Cycle:
    def __init__(self) -> None:
        self.me = self


def threads_that_collect(action) -> set[int]:
    seen: set[int] = set()

    def callback(phase: str, info: dict) -> None:
        if phase == "start":
            seen.add(threading.get_ident())

    gc.callbacks.append(callback)
    try:
        action()
    finally:
        gc.callbacks.remove(callback)
    return seen


def make_garbage(count: int = 50_000) -> None:
    for _ in range(count):
        Cycle()


def test_a_worker_thread_allocating_never_collects_and_the_gui_timer_does(qtbot, qapp):
    enabled_before = gc.isenabled()
    gc.enable()  # what the till starts with (the test suite itself runs without it)
    collector = GuiThreadCollector(qapp, interval_ms=10)
    try:
        assert not gc.isenabled()
        worker = threading.Thread(target=make_garbage)
        collected_on = threads_that_collect(lambda: (worker.start(), worker.join()))
        assert collected_on == set()  # 50,000 cycles made there, no collection there
        main = threading.get_ident()
        seen: set[int] = set()

        def callback(phase: str, info: dict) -> None:
            if phase == "start":
                seen.add(threading.get_ident())

        gc.callbacks.append(callback)
        try:
            qtbot.waitUntil(lambda: main in seen, timeout=5000)
        finally:
            gc.callbacks.remove(callback)
        assert seen == {main}
    finally:
        collector.stop()
        assert gc.isenabled()  # stop gives back what it found
        if not enabled_before:
            gc.disable()


def test_collect_due_follows_the_thresholds():
    enabled_before = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        assert collect_due((10_000_000, 10, 10)) == 0  # below the first threshold: nothing
        make_garbage(1000)
        assert collect_due((100, 10, 10)) >= 1000  # the young cycles are found
    finally:
        if enabled_before:
            gc.enable()
