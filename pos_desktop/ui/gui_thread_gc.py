"""Python's cyclic garbage collector, run only on the GUI thread.

Left automatic, the collector runs in whichever thread happens to allocate when a threshold is
crossed: a print worker, the POS API server, the sync thread. If the garbage it finds holds a Qt
widget (a closed dialog in a reference cycle), the widget's C++ destructor then runs on that
thread, and Qt widgets may only be destroyed on the GUI thread; the process crashes later, far
from the cause. So the automatic collector is switched off and a timer on the GUI thread runs
the same generational collection at the same thresholds. Reference counting, which frees almost
everything, is unaffected.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_INTERVAL_MS = 1000


class GuiThreadCollector(QObject):
    """Disables automatic collection and collects from a GUI-thread timer instead."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_INTERVAL_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> int:
        """Collect the generations whose thresholds were crossed; returns objects found."""
        return collect_due(self.thresholds)

    def stop(self) -> None:
        """Back to automatic collection, if it was on before (the window is gone)."""
        self.timer.stop()
        if self.was_enabled:
            gc.enable()


def collect_due(thresholds: tuple[int, ...]) -> int:
    """What the automatic collector would do now, done by the caller's thread."""
    count0, count1, count2 = gc.get_count()
    if count0 <= thresholds[0]:
        return 0
    generation = 0
    if count1 > thresholds[1]:
        generation = 1
        if count2 > thresholds[2]:
            generation = 2
    return gc.collect(generation)


def install(app: QObject) -> GuiThreadCollector:
    """The application's one collector (made on first call, stopped when the app quits)."""
    existing = app.findChild(GuiThreadCollector)
    if existing is not None:
        return existing
    collector = GuiThreadCollector(app)
    about_to_quit = getattr(app, "aboutToQuit", None)
    if about_to_quit is not None:
        about_to_quit.connect(collector.stop)
    return collector
