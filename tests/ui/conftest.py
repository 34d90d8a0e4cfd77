import pytest


class KeyClock:
    """Monotonic time the tests move by hand, so scanner timing never depends on machine load."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def key_clock():
    return KeyClock()


@pytest.fixture
def till_window(qtbot, qapp, till, sim_printer, key_clock):
    """The real main window (demo layout) over the test till, with the wedge filter installed."""
    from pos_desktop.ui.qt_app import build_window

    till.printer_simulator = sim_printer  # demo mode: preview + drawer state
    window, wedge, bridge = build_window(till, till.config, qapp, clock=key_clock)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window, wedge, bridge
    qapp.removeEventFilter(wedge)
