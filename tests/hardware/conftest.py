"""Fixtures for the hardware tests: simulators are always stopped after each test."""

from __future__ import annotations

import pytest

from hardware.printers.escpos_printer import EscPosPrinter
from hardware.simulators.printer_pty import SimulatedSerialPrinter
from hardware.simulators.printer_tcp import SimulatedPrinter


@pytest.fixture
def sim():
    """A TCP printer simulator on a free loopback port."""
    simulator = SimulatedPrinter().start()
    yield simulator
    simulator.stop()


@pytest.fixture
def printer(sim):
    """An EscPosPrinter talking to ``sim`` over python-escpos Network."""
    device = EscPosPrinter(sim.uri, status_timeout=0.3, timeout=2.0)
    yield device
    device.close()


@pytest.fixture
def pty_sim():
    """A serial printer simulator behind a pty pair."""
    simulator = SimulatedSerialPrinter().start()
    yield simulator
    simulator.stop()
