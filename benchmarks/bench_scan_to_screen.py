"""Scan -> line visible: the real main window (offscreen Qt) over the 1M-product database.

For each scan the clock starts when ``CheckoutView.on_scanner_scanned(code)`` is called (what the
wedge filter emits at the end of a burst) and is read twice:

* after ``table.viewport().repaint()`` returns: the lookup, the cart, the model reset, the totals
  and the table's pixels are done ("table repainted");
* after ``QApplication.processEvents()`` returns as well: every other widget the scan touched
  (totals, message, buttons) has repainted too ("window repainted").

Carts grow to 50 lines, then are cancelled (outside the timing). GTINs are distinct and random.
The target is one 60 Hz frame. As a floor, each scan is followed by one timed repaint of a plain
``QTableView`` of the same size over a ``QStandardItemModel`` holding the same rows' texts (no
Python in the paint path): what painting those rows costs Qt alone on this machine, right now.

Run alone: ``.venv/bin/python benchmarks/bench_scan_to_screen.py [--quick]``.
"""

from __future__ import annotations

import os
import random
import sys
import time

from common import Figure, Stats, log, standard_main
from fixtures import products_for, till_data_dir

NAME = "scan_to_screen"
LIMIT_MS = 16.0
CART_LINES = 50
WARMUP = 20


def _quiet_offscreen_noise(mode, context, message) -> None:
    """Forward Qt messages to stderr except the offscreen plugin's harmless size-hint notice."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def _restore_message_handler() -> None:
    from PySide6.QtCore import qInstallMessageHandler

    qInstallMessageHandler(None)


def _open_window(data_dir):
    """Build the container and the main window the way ``run_qt`` does, without ``exec()``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    qInstallMessageHandler(_quiet_offscreen_noise)

    from pos_desktop.config import load_config
    from pos_desktop.container import build_container
    from pos_desktop.ui.qt_app import build_window
    from pos_desktop.ui.theme import STYLE

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyleSheet(STYLE)
    container = build_container(load_config(data_dir))
    if container.shifts.current() is None:  # a till sells (and rings up scans) in a shift only
        from pos_desktop.domain.cash import CashCount

        float_count = CashCount.from_total(container.settings.currency, 10000)
        terminal = container.settings.terminal_id
        container.shifts.repo.open(terminal, "bench", float_count, container.clock.now())
    window, wedge, _bridge = build_window(container, container.config, app)
    window.resize(1280, 760)
    window.show()
    app.processEvents()
    return app, container, window, wedge


def _scan_once(app, view, code: str) -> tuple[int, int]:
    """Scan ``code``; returns ns until the table repainted and until the event queue drained."""
    pc = time.perf_counter_ns
    t0 = pc()
    view.on_scanner_scanned(code)
    view.table.viewport().repaint()
    t1 = pc()
    app.processEvents()
    t2 = pc()
    return t1 - t0, t2 - t0


class _BareTable:
    """The floor: a plain QTableView (C++ model) showing the same texts as the cart table."""

    def __init__(self, like) -> None:
        from PySide6.QtGui import QStandardItemModel
        from PySide6.QtWidgets import QTableView

        self.like = like
        self.model = QStandardItemModel(0, 4)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.resize(like.size())
        # same geometry and look, so both paint the same number of rows and pixels
        self.table.setAlternatingRowColors(like.alternatingRowColors())
        self.table.verticalHeader().setDefaultSectionSize(
            like.verticalHeader().defaultSectionSize()
        )
        self.table.verticalHeader().setVisible(like.verticalHeader().isVisible())
        self.table.show()

    def append_like(self, source) -> None:
        from PySide6.QtGui import QStandardItem

        row = source.rowCount() - 1
        self.model.appendRow(
            [QStandardItem(str(source.data(source.index(row, c)))) for c in range(4)]
        )
        for col in range(4):
            self.table.setColumnWidth(col, self.like.columnWidth(col))
        self.table.selectRow(row)
        self.table.scrollToBottom()

    def time_repaint(self) -> int:
        t0 = time.perf_counter_ns()
        self.table.viewport().repaint()
        return time.perf_counter_ns() - t0

    def clear(self) -> None:
        self.model.setRowCount(0)

    def close(self) -> None:
        self.table.close()
        self.table.deleteLater()


def _check_line(view, code: str) -> None:
    lines = view.checkout.cart.lines
    if view.model.rowCount() != len(lines) or lines[-1].item.gtin != code.zfill(14):
        raise RuntimeError(f"Scan of {code} did not add a visible line: {view.message.text()}")


def _reset(app, view) -> None:
    view.checkout.hand_over_cart()  # a reset between runs, not a void
    view.refresh()
    app.processEvents()


def run(quick: bool = False, products: int | None = None) -> list[Figure]:
    from pos_desktop.services.demo_data import demo_ean13

    products = products_for(quick, products)
    scans = 100 if quick else 500
    data_dir = till_data_dir(products)
    app, container, window, wedge = _open_window(data_dir)
    view = window.checkout_view
    numbers = random.Random(11).sample(range(1, products + 1), scans + WARMUP)
    codes = [demo_ean13(n) for n in numbers]
    table_ns, window_ns, floor_ns = [], [], []
    bare = _BareTable(view.table)
    log(f"scan_to_screen: {scans} scans, carts of {CART_LINES} lines, {products:,} products ...")
    try:
        for code in codes[:WARMUP]:  # first paints, font caches, SQLite pages: not timed
            _scan_once(app, view, code)
        _reset(app, view)
        for i, code in enumerate(codes[WARMUP:]):
            if i and i % CART_LINES == 0:
                _reset(app, view)
                bare.clear()
            t_table, t_window = _scan_once(app, view, code)
            _check_line(view, code)
            bare.append_like(view.model)
            app.processEvents()
            table_ns.append(t_table)
            window_ns.append(t_window)
            floor_ns.append(bare.time_repaint())
    finally:
        bare.close()
        app.removeEventFilter(wedge)
        window.close()
        window.deleteLater()
        app.processEvents()
        container.close()
        _restore_message_handler()
    floor = Stats.of([v / 1e6 for v in floor_ns])
    figures = []
    for label, series in (("table repainted", table_ns), ("window repainted", window_ns)):
        stats = Stats.of([v / 1e6 for v in series])
        figures.append(
            Figure(
                bench=NAME,
                name=f"scan -> {label} ({products // 1000}k products)",
                unit="ms",
                stats=stats,
                floor=floor,
                target=f"p99 <= {LIMIT_MS:g} ms",
                passed=stats.p99 <= LIMIT_MS,
                extra={
                    "products": products,
                    "cart_lines": CART_LINES,
                    "floor": "plain QTableView + QStandardItemModel repaint, same rows and size",
                },
            )
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    return standard_main(NAME, __doc__, run, argv)


if __name__ == "__main__":
    sys.exit(main())
