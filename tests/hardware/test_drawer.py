"""Drawer pulses and printer-driven drawers (the queue's drawer expiry: tests/integration)."""

from __future__ import annotations

import pytest

from hardware.base import DeviceState
from hardware.drawers.printer_drawer import PrinterDrawer, SerialDrawer
from hardware.escpos_parse import DrawerPulse, parse_escpos
from hardware.printers.escpos_printer import PrinterError
from hardware.printers.render import ReceiptError, drawer_pulse_bytes


@pytest.mark.parametrize(
    ("pin", "on_ms", "off_ms", "expected"),
    [
        (2, 50, 500, "1b 70 00 19 fa"),
        (5, 50, 500, "1b 70 01 19 fa"),
        (2, 100, 400, "1b 70 00 32 c8"),
        (5, 2, 510, "1b 70 01 01 ff"),
    ],
)
def test_drawer_pulse_bytes(pin, on_ms, off_ms, expected):
    data = drawer_pulse_bytes(pin, on_ms, off_ms)
    assert data.hex(" ") == expected
    assert parse_escpos(data).events == [DrawerPulse(pin, on_ms, off_ms)]


@pytest.mark.parametrize(("pin", "on_ms", "off_ms"), [(3, 50, 500), (2, 0, 500), (2, 50, 600)])
def test_bad_drawer_pulse_is_refused(pin, on_ms, off_ms):
    with pytest.raises(ReceiptError):
        drawer_pulse_bytes(pin, on_ms, off_ms)


def test_kick_drawer_reaches_the_printer(sim, printer):
    printer.kick_drawer(pin=5)
    printer.close()
    jobs = sim.wait_for_jobs(1)
    assert parse_escpos(b"".join(jobs)).of_type(DrawerPulse) == [DrawerPulse(5, 50, 500)]


def test_kick_drawer_with_bad_pin_raises_printer_error(printer):
    with pytest.raises(PrinterError, match="pin"):
        printer.kick_drawer(pin=4)


def test_printer_drawer_reports_open_and_closed(sim, printer):
    drawer = PrinterDrawer(printer, pin=2)
    assert drawer.read_status().reasons == frozenset()
    sim.drawer_open = True
    status = drawer.read_status()
    assert status.state is DeviceState.READY and "drawer_open" in status.reasons


def test_printer_drawer_from_uri_kicks_and_owns_its_printer(sim):
    drawer = PrinterDrawer.from_uri(sim.uri, pin=2, status_timeout=0.3)
    drawer.open()
    drawer.close()
    jobs = sim.wait_for_jobs(1)
    assert parse_escpos(jobs[0]).of_type(DrawerPulse) == [DrawerPulse(2, 50, 500)]


def test_serial_drawer_sends_its_open_sequence(pty_sim):
    SerialDrawer(pty_sim.uri, open_sequence=b"\x07").open()
    assert pty_sim.wait_until(lambda: pty_sim._received == bytearray(b"\x07"))
    assert SerialDrawer(pty_sim.uri).read_status().state is DeviceState.UNKNOWN
