"""A drawer kick that waited too long behind a busy printer is dropped, never replayed late."""

from __future__ import annotations

import threading

import pytest
from test_shifts_support import StepClock

from hardware.receipt import PrintJob, TextLine
from pos_desktop.services import printing
from pos_desktop.services.printing import DRAWER_EXPIRY_S, PrintingService
from pos_desktop.services.receipts import ReceiptBuilder
from pos_desktop.services.store_setup import DEMO_STORE, DEMO_TAX_RATES, init_store
from pos_desktop.storage.db import open_database
from pos_desktop.storage.drawer_repo import DrawerEventRepository
from pos_desktop.storage.print_job_repo import PrintJobRepository


class BusyPrinter:
    """Holds its thread in ``print_job`` until released; counts drawer kicks."""

    columns = 42

    def __init__(self) -> None:
        self.started, self.release, self.kicks = threading.Event(), threading.Event(), 0

    def print_job(self, job: PrintJob) -> None:
        self.started.set()
        assert self.release.wait(5)

    def kick_drawer(self, pin: int, on_ms: int, off_ms: int) -> None:
        self.kicks += 1


@pytest.mark.parametrize(
    ("waited", "status", "kicks"), [(DRAWER_EXPIRY_S + 0.5, "expired", 0), (9.0, "sent", 1)]
)
def test_a_kick_queued_behind_a_busy_printer(tmp_path, monkeypatch, waited, status, kicks):
    db = open_database(tmp_path / "till.sqlite")
    init_store(db, DEMO_STORE, DEMO_TAX_RATES)
    printer = BusyPrinter()
    service = PrintingService(
        PrintJobRepository(db),
        DrawerEventRepository(db),
        printer,
        ReceiptBuilder(DEMO_STORE, 42),
        StepClock(),
    )
    now = [1000.0]
    monkeypatch.setattr(printing.time, "monotonic", lambda: now[0])
    service.print_document(PrintJob(blocks=(TextLine("long report"),)), "report_x")
    assert printer.started.wait(5)
    kick = service.open_drawer("no_sale")
    now[0] += waited
    printer.release.set()
    assert kick.result(timeout=5) == status
    assert printer.kicks == kicks
    row = db.execute_sql("SELECT reason, status FROM drawer_event").fetchone()
    assert row == ("no_sale", status)
    db.close()
