"""A scan while the card terminal works is refused on the card dialog, never rung up behind it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from hardware.simulators.terminal_concert import SimulatedConcertTerminal
from hardware.terminals.concert import ConcertTerminal
from pos_desktop.config import PrinterConfig, TillConfig
from pos_desktop.container import Overrides, build_container
from pos_desktop.services.demo_data import demo_ean13, write_demo_catalog
from pos_desktop.ui.views.card_payment_dialog import CardPaymentDialog
from tests.conftest import FixedClock


@pytest.fixture
def terminal_sim():
    with SimulatedConcertTerminal("approve", delay_s=1.5) as sim:  # the customer takes a while
        yield sim


@pytest.fixture
def till(tmp_path, sim_printer, terminal_sim):
    """The journey's till, with a card terminal on the simulator."""
    config = TillConfig(data_dir=tmp_path, printer=PrinterConfig(uri=sim_printer.uri), demo=True)
    terminal = ConcertTerminal(terminal_sim.uri, result_timeout=5.0, ack_timeout=1.0)
    container = build_container(config, overrides=Overrides(clock=FixedClock(), terminal=terminal))
    write_demo_catalog(container.db, 50)
    yield container
    container.close()


def test_scan_while_the_card_terminal_works_is_refused(journey):
    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F11)
        dialog = yield j.modal(CardPaymentDialog)
        yield j.scan(demo_ean13(3))
        notice = dialog.findChild(QLabel, "scanRefused")
        assert notice is not None and notice.isVisible()
        assert f"{demo_ean13(3)} was NOT added" in notice.text()
        yield j.closed(dialog, timeout_s=10)  # approved on the terminal
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        assert j.db_one("SELECT count(*) FROM sale_line") == 1
        assert j.cart_names() == []

    journey.run(steps)
