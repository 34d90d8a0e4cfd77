"""Shared fixtures: a till on a temp data dir with the demo store, catalogue and a simulated
printer speaking real ESC/POS over loopback TCP."""

from __future__ import annotations

import gc
import os
from datetime import UTC, datetime, timedelta

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Cyclic garbage is collected between tests, on the main (GUI) thread, never automatically:
# the till does the same on its GUI thread (pos_desktop/ui/gui_thread_gc.py). Each Qt test
# builds a whole till window and pytest-qt deletes it at the end; a collection started anywhere
# else (a worker thread, or inside a later test's set-up) freed wrappers of Qt objects that were
# already gone and crashed the interpreter (PySide6 6.11, offscreen). ``POS_TEST_GC=auto`` runs
# the suite with the automatic collector instead, to look for that again.
if os.environ.get("POS_TEST_GC") != "auto":
    gc.disable()


@pytest.fixture(autouse=True)
def _collect_cycles_after_each_test():
    """Torn down last (a root autouse fixture): after pytest-qt has closed the test's widgets."""
    yield
    if not gc.isenabled():
        gc.collect()


# Tests seal secrets with a key file in their temp data dir, never in the developer's keyring.
os.environ.setdefault("POS_SECRET_STORE", "file")


class FixedClock:
    """A clock the test moves; starts at a fixed UTC moment."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 26, 9, 30, tzinfo=UTC)

    def now(self) -> datetime:
        self.current += timedelta(seconds=1)
        return self.current


@pytest.fixture
def sim_printer():
    from hardware.simulators.printer_tcp import SimulatedPrinter

    with SimulatedPrinter() as sim:
        yield sim


@pytest.fixture
def till(tmp_path, sim_printer):
    """A container for a demo store with 300 demo products and the simulated printer."""
    from pos_desktop.config import PrinterConfig, TillConfig
    from pos_desktop.container import Overrides, build_container
    from pos_desktop.services.demo_data import write_demo_catalog

    config = TillConfig(data_dir=tmp_path, printer=PrinterConfig(uri=sim_printer.uri), demo=True)
    container = build_container(config, overrides=Overrides(clock=FixedClock()))
    write_demo_catalog(container.db, 300)
    open_test_shift(container)
    yield container
    container.close()


TEST_FLOAT = {100: 2, 200: 2, 500: 2, 1000: 2, 2000: 2}  # 76.00, as ``pos-desktop --demo`` opens


def open_test_shift(container, pieces=None, user: str = "Test Till"):
    """Open a shift on ``container``'s till (every sale needs one) unless one is open."""
    from pos_desktop.domain.cash import CashCount

    shifts = container.shifts
    if shifts.current() is not None:
        return shifts.current()
    count = CashCount.from_mapping(container.settings.currency, pieces or TEST_FLOAT)
    return shifts.repo.open(container.settings.terminal_id, user, count, container.clock.now())


def paper_jobs(sim) -> list[bytes]:
    """The simulated printer's connections that printed something (status polls print nothing)."""
    return [job for job in sim.jobs if b"\x1b@" in job]


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A test that switched the till's language (a German journey) leaves English behind."""
    yield
    from pos_desktop.ui.language import speak

    speak("en")  # and Qt's standard buttons back to English
