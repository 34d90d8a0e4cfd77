"""What the customer sees while the cashier works: the customer window and the pole display."""

import pytest
from PySide6.QtCore import Qt

from hardware.displays.pole import PoleDisplay
from hardware.simulators.pole_display import SimulatedPoleDisplay
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.department_dialog import DepartmentDialog


@pytest.fixture
def pole(till):
    """A simulated 2x20 pole display on a pty, wired into the till before its window opens."""
    with SimulatedPoleDisplay() as sim:
        till.pole_display = PoleDisplay(sim.uri)
        yield sim


def open_customer_window(journey):
    """As ``run_qt`` does at start-up: the customer's window beside the till, the till active."""
    from PySide6.QtWidgets import QApplication

    from pos_desktop.ui.qt_app import show_customer_window

    show_customer_window(journey.window, QApplication.instance(), 0)
    journey.window.activateWindow()
    return journey.window.customer_window


def shows(sim, top: str, bottom: str):
    """A probe: the pole's rows start with ``top`` and read ``bottom`` (spaces collapsed)."""

    def probe():
        upper, lower = (" ".join(line.split()) for line in sim.lines)
        return upper.startswith(top) and lower == bottom

    return probe


def test_each_step_reaches_the_customer_window_and_the_pole(pole, journey, till):
    till.departments.seed_demo()
    customer = open_customer_window(journey)

    def steps(j):
        yield j.until(shows(pole, till.settings.name[:20], "Welcome"), what="idle pole")
        assert customer.welcome.text() == "Welcome"
        yield j.scan(demo_ean13(1))  # whole milk 1.29
        yield j.until(shows(pole, "Whole milk 1L", "TOTAL €1.29"), what="item and total")
        assert customer.table.model().rowCount() == 1 and "1.29" in customer.amount.text()
        yield j.key(Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
        dialog = yield j.modal(DepartmentDialog)
        yield j.type("2.00")
        yield j.key(Qt.Key.Key_Return)
        yield j.closed(dialog)
        yield j.until(shows(pole, "Bakery", "TOTAL €3.29"), what="department line")
        yield j.key(Qt.Key.Key_F7)  # cash: a 10.00 note
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        yield j.until(shows(pole, "Change", "CHANGE €6.71"), what="change due")
        assert customer.welcome.text() == "Thank you!" and "6.71" in customer.amount.text()
        yield j.scan(demo_ean13(3))  # the next customer
        yield j.until(shows(pole, "Oat drink 1L", "TOTAL €1.99"), what="next sale")

    journey.run(steps)


def test_a_weighed_item_shows_its_weight_to_the_customer(journey, till):
    customer = open_customer_window(journey)
    from pos_desktop.services.demo_data import write_demo_weighed

    write_demo_weighed(till.db, till.settings.barcode_region)

    def steps(j):
        yield j.scan("2301000107507")  # a scale label: loose tomatoes, 0.750 kg
        model = customer.table.model()
        assert model.rowCount() == 1
        assert "0.75" in str(model.index(0, 1).data()) and "kg" in str(model.index(0, 1).data())

    journey.run(steps)
