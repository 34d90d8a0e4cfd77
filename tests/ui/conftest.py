import pytest


@pytest.fixture
def till_window(qtbot, qapp, till, sim_printer):
    """The real main window (demo layout) over the test till, with the wedge filter installed."""
    from pos_desktop.ui.qt_app import build_window

    till.extras["printer_simulator"] = sim_printer  # demo mode: preview + drawer state
    window, wedge, bridge = build_window(till, till.config, qapp)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window, wedge, bridge
    qapp.removeEventFilter(wedge)
