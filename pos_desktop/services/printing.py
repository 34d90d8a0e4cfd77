"""Printing receipts and opening the drawer on the printer's own thread, with every job recorded.

A job that fails part-way is marked ``unknown`` (paper may have come out): the cashier decides
whether to reprint. Nothing is printed twice by itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from hardware.base import DeviceState, DeviceStatus
from hardware.receipt import DrawerPulse, PrintJob
from pos_desktop.domain.ids import new_id
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.tender import CASH
from pos_desktop.storage.drawer_repo import DrawerEventRepository
from pos_desktop.storage.print_job_repo import PrintJobRepository
from pos_desktop.storage.returns_repo import StoredRefund

from .i18n import _
from .ports import Clock, ReceiptPrinterPort
from .print_documents import as_copy, job_as_text, job_from_json, job_to_json
from .receipts import ReceiptBuilder

log = logging.getLogger(__name__)
DRAWER_EXPIRY_S = 10.0


@dataclass(frozen=True, slots=True)
class DrawerSettings:
    pin: int = 2
    on_ms: int = 50
    off_ms: int = 500
    open_on_cash: bool = True
    # A standalone (serial/USB) drawer with its own ``open()``; None: kicked through the printer.
    standalone: Any = None
    # Other tenders (by name) that open the drawer like cash does: a cheque goes in it.
    tenders: tuple[str, ...] = ()

    def pulse(self) -> DrawerPulse:
        return DrawerPulse(pin=self.pin, on_ms=self.on_ms, off_ms=self.off_ms)


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    job_id: str
    # printed | failed (nothing was sent) | unknown (may be half printed) | held (no printer:
    # kept to show on screen or print later)
    status: str
    drawer_opened: bool
    error: str | None = None


class PrintingService:
    """Owns the printer's device thread; every call returns a Future (never blocks the GUI)."""

    def __init__(
        self,
        jobs: PrintJobRepository,
        drawer_events: DrawerEventRepository,
        printer: ReceiptPrinterPort,
        builder: ReceiptBuilder,
        clock: Clock,
        drawer: DrawerSettings | None = None,
    ) -> None:
        self._jobs = jobs
        self._drawer_events = drawer_events
        self._printer = printer
        self._builder = builder
        self._clock = clock
        self.drawer = drawer or DrawerSettings()
        self.columns = builder.columns
        # sale id -> the loyalty points it earned (None: none); wired with loyalty points
        self.points_earned: Callable[[str], int | None] | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="printer")

    def print_sale(
        self, sale: Sale, *, on_done: Callable[[PrintOutcome], None] | None = None
    ) -> Future[PrintOutcome]:
        """Print the receipt; a cash sale kicks the drawer first so it opens while printing."""
        has_cash = any(p.tender == "cash" or p.tender in self.drawer.tenders for p in sale.payments)
        open_drawer = self._kick_for_cash(has_cash, "sale")
        points = self.points_earned(sale.sale_id) if self.points_earned is not None else None
        job = self._builder.sale_receipt(
            sale, drawer=self.drawer.pulse() if open_drawer else None, points_earned=points
        )
        return self._submit(job, "receipt", sale.sale_id, "sale" if open_drawer else None, on_done)

    def _kick_for_cash(self, has_cash: bool, reason: str) -> bool:
        """True when the drawer pulse goes in the print job (a drawer on the printer).

        A standalone drawer is opened on its own, first, and recorded like any other opening.
        """
        if not (has_cash and self.drawer.open_on_cash):
            return False
        if self.drawer.standalone is not None:
            self.open_drawer(reason)
            return False
        return True

    def print_refund(
        self, stored: StoredRefund, *, on_done: Callable[[PrintOutcome], None] | None = None
    ) -> Future[PrintOutcome]:
        """The refund slip; cash going back opens the drawer first, like a cash sale."""
        cash = any(t.kind == CASH and t.amount_minor > 0 for t in stored.refund.tenders)
        open_drawer = self._kick_for_cash(cash, "refund")
        job = self._builder.refund_receipt(
            stored, drawer=self.drawer.pulse() if open_drawer else None
        )
        return self._submit(job, "refund", None, "refund" if open_drawer else None, on_done)

    def print_gift_receipt(
        self, sale: Sale, *, on_done: Callable[[PrintOutcome], None] | None = None
    ) -> Future[PrintOutcome]:
        """A gift receipt (no prices) for a stored sale."""
        return self._submit(self._builder.gift_receipt(sale), "gift", sale.sale_id, None, on_done)

    def print_document(
        self, job: PrintJob, kind: str, on_done: Callable[[PrintOutcome], None] | None = None
    ) -> Future[PrintOutcome]:
        """Print any prepared job (X/Z reports, ...), recorded like a receipt."""
        return self._submit(job, kind, None, None, on_done)

    def print_test_page(
        self, on_done: Callable[[PrintOutcome], None] | None = None
    ) -> Future[PrintOutcome]:
        return self._submit(self._builder.test_page(), "test", None, None, on_done)

    def reprint(
        self, job_id: str | None = None, on_done: Callable[[PrintOutcome], None] | None = None
    ) -> Future[PrintOutcome]:
        """Print a stored receipt again, marked COPY and without opening the drawer.

        Args:
            job_id: the job to copy; default the last customer receipt.

        Raises:
            LookupError: when there is nothing to reprint, or no printer to print on.
        """
        if not self.has_printer:
            raise LookupError(
                _(
                    "No receipt printer is set up: add one in Till > Devices, then print "
                    "the receipt (Ctrl+Shift+R shows it on screen)."
                )
            )
        stored = self._jobs.find(job_id)
        if stored is None:
            raise LookupError(_("There is no receipt to reprint yet."))
        original_id, sale_id = stored.job_id, stored.sale_id
        self._jobs.decide(original_id, "reprinted", only_if_failed=True)
        job = job_from_json(stored.document)
        if stored.status == "held":  # it never came out: the first paper copy is the original
            job = PrintJob(
                blocks=tuple(b for b in job.blocks if not isinstance(b, DrawerPulse)),
                columns=job.columns,
            )
            self._jobs.decide(original_id, "printed_later")
            return self._submit(job, "receipt", sale_id, None, on_done, copy_of=original_id)
        return self._submit(as_copy(job), "reprint", sale_id, None, on_done, copy_of=original_id)

    def receipt_text(self, job_id: str | None = None) -> str:
        """A stored receipt (default: the last customer receipt) as text for the screen.

        Raises:
            LookupError: when there is no receipt yet.
        """
        stored = self._jobs.find(job_id)
        if stored is None:
            raise LookupError(_("There is no receipt to show yet."))
        return job_as_text(job_from_json(stored.document))

    @property
    def builder(self) -> ReceiptBuilder:
        """What lays receipts out (also for e-mailed receipts)."""
        return self._builder

    @property
    def has_printer(self) -> bool:
        """False when the till runs without a receipt printer (receipts are kept, not printed)."""
        return getattr(self._printer, "present", True)

    def replace_printer(
        self, printer: ReceiptPrinterPort, builder: ReceiptBuilder, drawer: DrawerSettings
    ) -> Future[None]:
        """Use another printer from now on (the Devices screen saved one), without a restart.

        The swap runs on the printer's own thread, so every job queued before it finishes on
        the old printer; the old one is closed afterwards.
        """

        def swap() -> None:
            old = self._printer
            self._printer, self._builder, self.drawer = printer, builder, drawer
            self.columns = builder.columns
            if old is not printer and (closer := getattr(old, "close", None)) is not None:
                try:
                    closer()
                except Exception as err:  # a printer that is gone may fail to close
                    log.warning("closing the previous printer: %s", err)

        return self._thread.submit(swap)

    def replace_builder(self, builder: ReceiptBuilder) -> None:
        """New store settings (name, address, tax id...) for the receipts printed from now."""
        self._builder = builder

    def mark_printed_ok(self, job_id: str) -> None:
        """The cashier saw the receipt come out: no reprint is needed."""
        self._jobs.decide(job_id, "printed_ok")

    def undecided_jobs(self) -> list[tuple[str, str | None, str | None]]:
        """Jobs whose paper state is unknown and the cashier has not answered (id, sale, error)."""
        return self._jobs.undecided()

    def open_drawer(
        self, reason: str, *, on_done: Callable[[str], None] | None = None
    ) -> Future[str]:
        """Kick the drawer (no-sale, test, calibration); recorded with its reason.

        A kick still queued after DRAWER_EXPIRY_S (the printer was busy or away) is dropped and
        recorded as ``expired``: a drawer must never spring open minutes later.
        """
        queued_at = time.monotonic()
        event_id = self._drawer_events.queue(reason, self._clock.now())

        def kick() -> str:
            error = None
            if time.monotonic() - queued_at > DRAWER_EXPIRY_S:
                status = "expired"
            else:
                try:
                    if self.drawer.standalone is not None:
                        self.drawer.standalone.open()
                    else:
                        pulse = self.drawer.pulse()
                        self._printer.kick_drawer(pulse.pin, pulse.on_ms, pulse.off_ms)
                    status = "sent"
                except Exception as err:  # any driver failure: not opened
                    status, error = "failed", str(err) or type(err).__name__
            self._drawer_events.finish(event_id, status, error)
            return status if error is None else f"{status}: {error}"

        future = self._thread.submit(kick)
        if on_done is not None:
            future.add_done_callback(lambda f: on_done(f.result()))
        return future

    def calibrate_drawer(
        self, on_done: Callable[[bool | None, str], None] | None = None
    ) -> Future[bool | None]:
        """With the drawer CLOSED, learn which pin-3 level means "open" (drawers differ).

        Returns (via the future and ``on_done``) the polarity to keep: True when a high level
        means open, or None when the printer gave no status (nothing learnt).
        """
        reader = getattr(self._printer, "read_status", None)
        current = getattr(getattr(self._printer, "_printer", None), "drawer_open_high", True)

        def learn() -> bool | None:
            status = reader() if reader else None
            if status is None or str(status.state) in ("unknown", "disconnected"):
                return None
            closed_reads_open = "drawer_open" in status.reasons
            polarity = (not current) if closed_reads_open else current
            setter = getattr(self._printer, "set_drawer_polarity", None)
            if setter:
                setter(polarity)
            return polarity

        future = self._thread.submit(learn)
        if on_done is not None:

            def report(f):
                value = f.result()
                text = (
                    "no status from the printer: check it and try again"
                    if value is None
                    else f"open = pin 3 {'high' if value else 'low'}"
                )
                on_done(value, text)

            future.add_done_callback(report)
        return future

    def check_status(
        self, on_done: Callable[[DeviceStatus], None] | None = None
    ) -> Future[DeviceStatus]:
        """Ask the printer for its status on the printer's own thread (never blocks the GUI)."""
        reader = getattr(self._printer, "read_status", None)

        def read() -> DeviceStatus:
            if reader is None:
                return DeviceStatus(DeviceState.DISCONNECTED, frozenset(), "no printer configured")
            return reader()

        future = self._thread.submit(read)
        if on_done is not None:
            future.add_done_callback(lambda f: on_done(f.result()))
        return future

    def _submit(
        self, job, kind, sale_id, drawer_reason: str | None, on_done, copy_of: str | None = None
    ) -> Future[PrintOutcome]:
        """Record the job, then print it on the printer's thread.

        ``drawer_reason``: the job carries the drawer pulse, and the opening is recorded with
        this reason (``sale``, ``refund``); None when it carries none.
        """
        job_id = new_id()
        status = "pending" if self.has_printer else "held"
        self._jobs.add(
            job_id, kind, sale_id, status, job_to_json(job), self._clock.now(), copy_of=copy_of
        )
        if status == "held":  # no printer: nothing to wait for, nothing to ask the cashier
            future: Future[PrintOutcome] = Future()
            future.set_result(PrintOutcome(job_id, "held", False))
            if on_done is not None:
                on_done(future.result())
            return future
        future = self._thread.submit(self._run, job_id, job, sale_id, drawer_reason)
        if on_done is not None:
            future.add_done_callback(lambda f: on_done(f.result()))
        return future

    def _run(self, job_id: str, job: PrintJob, sale_id: str | None, drawer_reason: str | None):
        error = None
        try:
            self._printer.print_job(job)
            status = "printed"
        except Exception as err:  # paper state unknown, unless the driver sent nothing at all
            status = "failed" if getattr(err, "sent", True) is False else "unknown"
            error = str(err) or type(err).__name__
            log.warning("print job %s failed: %s", job_id, error)
        now = self._clock.now()
        with self._jobs.db.atomic():  # the job's outcome and the drawer's, together
            self._jobs.finish(job_id, status, error, now)
            if drawer_reason is not None:
                drawer_status = "sent" if status == "printed" else "unknown"
                self._drawer_events.record(drawer_reason, sale_id, drawer_status, error, now)
        opened = drawer_reason is not None and status == "printed"
        return PrintOutcome(job_id, status, opened, error)

    def close(self) -> None:
        self._thread.shutdown(wait=True, cancel_futures=False)
