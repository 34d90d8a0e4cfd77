"""Exact-cash key -> drawer pulse and receipt cut arriving at the simulated network printer.

The real main window (offscreen Qt) over a demo till with an open shift and the loopback ESC/POS
printer simulator. Each run scans one item (not timed), then the clock starts when F5 (exact
cash) is pressed on the window and stops when the simulator has received, on the printer's
connection:

* the drawer pulse (``ESC p``): the drawer springs open; target p99 <= 100 ms;
* the paper cut (``GS V``): the receipt can be torn off; target p99 <= 300 ms.

The key press covers the sale's commit (journal, outbox, cash ledger), the receipt's layout,
the printer thread and the driver. As a floor, each run is followed by a raw write of the same
receipt's bytes to the same simulator over a fresh loopback connection, timed to the same two
markers: what the network and the simulator alone cost on this machine, right now.

Run alone: ``.venv/bin/python benchmarks/bench_cash_to_drawer.py [--quick]``.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import Figure, Stats, log, standard_main

NAME = "cash_to_drawer"
PULSE_LIMIT_MS = 100.0
CUT_LIMIT_MS = 300.0
WARMUP = 10
PULSE, CUT = b"\x1bp", b"\x1dV"
WAIT_S = 10.0


def _recording_printer():
    """The loopback simulator, noting when the pulse and the cut of each job first arrive."""
    from hardware.simulators.printer_tcp import SimulatedPrinter

    class RecordingPrinter(SimulatedPrinter):
        def __init__(self) -> None:
            super().__init__()
            self.arrived: dict[bytes, int] = {}
            self._seen = bytearray()
            self.marks = threading.Condition()

        def _handle(self, conn):
            self._seen = bytearray()  # one connection is one job
            return super()._handle(conn)

        def feed(self, data: bytes) -> bytes:
            now = time.perf_counter_ns()
            self._seen += data
            with self.marks:
                for marker in (PULSE, CUT):
                    if marker not in self.arrived and marker in self._seen:
                        self.arrived[marker] = now
                self.marks.notify_all()
            return super().feed(data)

        def reset(self) -> None:
            with self.marks:
                self.arrived = {}

    return RecordingPrinter().start()


def _wait_for_cut(app, printer) -> None:
    deadline = time.monotonic() + WAIT_S
    while not (PULSE in printer.arrived and CUT in printer.arrived):
        app.processEvents()  # the window repaints meanwhile, as it would for the cashier
        with printer.marks:
            printer.marks.wait(0.001)
        if time.monotonic() > deadline:
            raise RuntimeError("The receipt's pulse and cut never reached the simulator.")


def _receipt_job(printer, jobs_before: int) -> bytes:
    """The receipt's own connection, once closed (a status poll may come and go meanwhile)."""

    def receipt():
        return next((j for j in printer.jobs[jobs_before:] if PULSE in j and CUT in j), None)

    if not printer.wait_until(lambda: receipt() is not None, WAIT_S):
        raise RuntimeError("The receipt's connection never ended.")
    return receipt()


def _raw_write(printer, job: bytes) -> tuple[int, int]:
    """The floor: the same bytes written straight to the simulator on a new connection."""
    printer.reset()
    host, port = printer.uri.removeprefix("tcp://").rsplit(":", 1)
    t0 = time.perf_counter_ns()
    with socket.create_connection((host, int(port))) as conn:
        conn.sendall(job)
        with printer.marks:
            if not printer.marks.wait_for(lambda: CUT in printer.arrived, WAIT_S):
                raise RuntimeError("The raw write's cut never reached the simulator.")
    return printer.arrived[PULSE] - t0, printer.arrived[CUT] - t0


def _open_till(data_dir: Path, printer):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from bench_scan_to_screen import _quiet_offscreen_noise
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    qInstallMessageHandler(_quiet_offscreen_noise)

    from pos_desktop.app import prepare_demo
    from pos_desktop.config import PrinterConfig, TillConfig
    from pos_desktop.container import build_container
    from pos_desktop.ui.qt_app import build_window
    from pos_desktop.ui.theme import STYLE

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyleSheet(STYLE)
    config = TillConfig(data_dir=data_dir, printer=PrinterConfig(uri=printer.uri), demo=True)
    container = build_container(config)
    prepare_demo(container, products=2000)
    window, wedge, _bridge = build_window(container, config, app)
    window.status_timer.stop()  # no status polls on the printer's connection while timing
    window.resize(1280, 760)
    window.show()
    window.activateWindow()
    window.staff.start()  # demo: Demo Cashier logged in, a shift opened with the demo float
    app.processEvents()
    return app, container, window, wedge


def run(quick: bool = False, products: int | None = None) -> list[Figure]:
    from PySide6.QtCore import Qt, qInstallMessageHandler
    from PySide6.QtTest import QTest

    from pos_desktop.services.demo_data import demo_ean13

    sales = 60 if quick else 300
    printer = _recording_printer()
    tmp = tempfile.TemporaryDirectory(prefix="bench-cash-")
    app, container, window, wedge = _open_till(Path(tmp.name), printer)
    view = window.checkout_view
    pulse_ns, cut_ns, raw_pulse_ns, raw_cut_ns = [], [], [], []
    log(f"cash_to_drawer: {sales} exact-cash sales to the loopback printer simulator ...")
    try:
        for i in range(WARMUP + sales):
            view.on_scanner_scanned(demo_ean13(1 + i % 40))
            app.processEvents()
            printer.reset()
            jobs_before = len(printer.jobs)
            t0 = time.perf_counter_ns()
            QTest.keyClick(view.entry, Qt.Key.Key_F5)
            _wait_for_cut(app, printer)
            pulse, cut = printer.arrived[PULSE] - t0, printer.arrived[CUT] - t0
            job = _receipt_job(printer, jobs_before)
            raw_pulse, raw_cut = _raw_write(printer, job)
            if i >= WARMUP:
                pulse_ns.append(pulse)
                cut_ns.append(cut)
                raw_pulse_ns.append(raw_pulse)
                raw_cut_ns.append(raw_cut)
        stored = container.sales.count()
        if stored != WARMUP + sales:
            raise RuntimeError(f"{stored} sales stored, expected {WARMUP + sales}.")
    finally:
        app.removeEventFilter(wedge)
        app.removeEventFilter(window.staff)
        window.staff.idle.stop()
        window.close()
        window.deleteLater()
        app.processEvents()
        container.close()
        printer.stop()
        tmp.cleanup()
        qInstallMessageHandler(None)
    figures = []
    for label, series, floor, limit in (
        ("drawer pulse", pulse_ns, raw_pulse_ns, PULSE_LIMIT_MS),
        ("receipt cut", cut_ns, raw_cut_ns, CUT_LIMIT_MS),
    ):
        figure = Figure(
            bench=NAME,
            name=f"exact-cash key -> {label} at the printer",
            unit="ms",
            stats=Stats.of([v / 1e6 for v in series]),
            floor=Stats.of([v / 1e6 for v in floor]),
            target=f"p99 <= {limit:g} ms",
            extra={
                "sales": sales,
                "floor": "raw write of the same receipt bytes to the same simulator",
            },
        )
        figures.append(figure.evaluate(limit, floor_name="raw write"))
    return figures


def main(argv: list[str] | None = None) -> int:
    return standard_main(NAME, __doc__, run, argv)


if __name__ == "__main__":
    sys.exit(main())
