"""Printing receipts and opening the drawer on the printer's own thread, with every job recorded.

A job that fails part-way is marked ``unknown`` (paper may have come out): the cashier decides
whether to reprint. Nothing is printed twice by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from peewee import SqliteDatabase

from hardware.receipt import DrawerPulse, PrintJob
from pos_desktop.domain.ids import new_id
from pos_desktop.domain.sale import Sale
from pos_desktop.storage.codec import utc_text

from .ports import Clock, ReceiptPrinterPort
from .receipts import ReceiptBuilder

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DrawerSettings:
    pin: int = 2
    on_ms: int = 50
    off_ms: int = 500
    open_on_cash: bool = True

    def pulse(self) -> DrawerPulse:
        return DrawerPulse(pin=self.pin, on_ms=self.on_ms, off_ms=self.off_ms)


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    job_id: str
    status: str  # printed | unknown
    drawer_opened: bool
    error: str | None = None


class PrintingService:
    """Owns the printer's device thread; every call returns a Future (never blocks the GUI)."""

    def __init__(
        self,
        db: SqliteDatabase,
        printer: ReceiptPrinterPort,
        builder: ReceiptBuilder,
        clock: Clock,
        drawer: DrawerSettings | None = None,
    ) -> None:
        self._db = db
        self._printer = printer
        self._builder = builder
        self._clock = clock
        self.drawer = drawer or DrawerSettings()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="printer")

    def print_sale(
        self, sale: Sale, *, on_done: Callable[[PrintOutcome], None] | None = None
    ) -> Future[PrintOutcome]:
        """Print the receipt; a cash sale kicks the drawer first so it opens while printing."""
        has_cash = any(p.tender == "cash" for p in sale.payments)
        open_drawer = has_cash and self.drawer.open_on_cash
        job = self._builder.sale_receipt(sale, drawer=self.drawer.pulse() if open_drawer else None)
        return self._submit(job, "receipt", sale.sale_id, open_drawer, on_done)

    def print_test_page(
        self, on_done: Callable[[PrintOutcome], None] | None = None
    ) -> Future[PrintOutcome]:
        return self._submit(self._builder.test_page(), "test", None, False, on_done)

    def _submit(self, job, kind, sale_id, open_drawer, on_done) -> Future[PrintOutcome]:
        job_id = new_id()
        now = utc_text(self._clock.now())
        with self._db.atomic():
            self._db.execute_sql(
                "INSERT INTO print_job (id, kind, sale_id, status, created_at) "
                "VALUES (?, ?, ?, 'pending', ?)",
                (job_id, kind, sale_id, now),
            )
        future = self._thread.submit(self._run, job_id, job, sale_id, open_drawer)
        if on_done is not None:
            future.add_done_callback(lambda f: on_done(f.result()))
        return future

    def _run(self, job_id: str, job: PrintJob, sale_id: str | None, open_drawer: bool):
        error = None
        try:
            self._printer.print_job(job)
            status = "printed"
        except Exception as err:  # any driver failure: the paper state is unknown
            status, error = "unknown", str(err) or type(err).__name__
            log.warning("print job %s failed: %s", job_id, error)
        now = utc_text(self._clock.now())
        with self._db.atomic():
            self._db.execute_sql(
                "UPDATE print_job SET status = ?, error = ?, finished_at = ? WHERE id = ?",
                (status, error, now, job_id),
            )
            if open_drawer:
                self._db.execute_sql(
                    "INSERT INTO drawer_event (id, reason, sale_id, status, error, created_at) "
                    "VALUES (?, 'sale', ?, ?, ?, ?)",
                    (new_id(), sale_id, "sent" if status == "printed" else "unknown", error, now),
                )
        return PrintOutcome(job_id, status, open_drawer and status == "printed", error)

    def close(self) -> None:
        self._thread.shutdown(wait=True, cancel_futures=False)
