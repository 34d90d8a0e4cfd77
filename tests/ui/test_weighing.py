"""Products sold by weight: a scale label, the scale (Toledo 8217 simulator on a pty), or the
weight typed in when there is no scale."""

from decimal import Decimal

import pytest
from PySide6.QtWidgets import QInputDialog

from hardware.scales.toledo8217 import Toledo8217Scale
from hardware.simulators.scale_toledo import SimulatedScale
from pos_desktop.config import TillConfig
from pos_desktop.container import Overrides, build_container
from pos_desktop.domain.variable_measure import encode_variable_measure
from pos_desktop.services.demo_data import (
    weighed_shelf_code,
    write_demo_catalog,
    write_demo_weighed,
)
from pos_desktop.ui.qt_app import build_window
from tests.conftest import FixedClock, open_test_shift
from tests.waits import EVENTUALLY_MS


@pytest.fixture
def make_window(qtbot, qapp, tmp_path):
    made = []

    def make(scale_uri=None):
        scale = Toledo8217Scale(scale_uri) if scale_uri else None
        overrides = Overrides(clock=FixedClock(), scale=scale)
        till = build_container(TillConfig(data_dir=tmp_path, demo=True), overrides)
        write_demo_catalog(till.db, 20)
        open_test_shift(till)
        write_demo_weighed(till.db)
        window, wedge, _ = build_window(till, till.config, qapp)
        qtbot.addWidget(window)
        made.append((till, window, wedge))
        return till, window

    yield make
    for till, window, wedge in made:
        window.status_timer.stop()
        qapp.removeEventFilter(wedge)
        till.close()


def test_scale_label_carries_the_weight(make_window):
    till, window = make_window()
    window.checkout_view.add_code(encode_variable_measure("23", "10001", 1250, "SE"))
    line = till.checkout.cart.lines[0]
    assert line.quantity == Decimal("1.250") and line.amount_minor == 374  # 2.99/kg, half up


def test_the_scale_weighs_the_item(qtbot, make_window):
    with SimulatedScale(weight_grams=750) as scale:
        till, window = make_window(scale.uri)
        view = window.checkout_view
        view.add_code(weighed_shelf_code(1))  # loose tomatoes: no weight in the code
        assert "Weighing" in view.message.text()
        view.add_code(weighed_shelf_code(2))  # refused while the scale reads
        assert "NOT added" in view.message.text()
        qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=EVENTUALLY_MS)
        line = till.checkout.cart.lines[0]
        assert line.quantity == Decimal("0.750") and line.amount_minor == 224  # 2.2425 -> 2.24
        assert view.busy_reason is None


def test_an_empty_scale_adds_nothing(qtbot, make_window):
    with SimulatedScale(weight_grams=0) as scale:
        till, window = make_window(scale.uri)
        view = window.checkout_view
        view.add_code(weighed_shelf_code(3))
        qtbot.waitUntil(lambda: "was not added" in view.message.text(), timeout=EVENTUALLY_MS)
        assert till.checkout.cart.is_empty and view.busy_reason is None


def test_without_a_scale_the_weight_is_typed(make_window, monkeypatch):
    till, window = make_window()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("0,345", True)))
    window.checkout_view.add_code(weighed_shelf_code(1))
    assert till.checkout.cart.lines[0].quantity == Decimal("0.345")
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("1.2345", True)))
    window.checkout_view.add_code(weighed_shelf_code(2))
    assert "3 decimals" in window.checkout_view.message.text()
    assert len(till.checkout.cart.lines) == 1
