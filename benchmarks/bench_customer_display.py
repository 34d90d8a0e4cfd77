"""Scan -> what the customer sees: the customer window repainted and the pole display showing the
new line, over the 1M-product database (offscreen Qt, the pole display simulated on a pty).

For each scan the clock starts when the wedge filter would hand the code to the checkout
(``CheckoutView.on_scanner_scanned``) and is read when the customer window has repainted, and when
the simulated pole display has applied the frame with the new item. The floor for the pole is the
same frame's bytes written straight to the same pty and read back by the simulator, in the same
run; the window's floor is a bare repaint of the customer window with nothing changed.

Run alone: ``.venv/bin/python benchmarks/bench_customer_display.py [--quick]``.
"""

from __future__ import annotations

import random
import sys
import time

from bench_scan_to_screen import _open_window, _reset, _restore_message_handler
from common import Figure, Stats, log, standard_main
from fixtures import products_for, till_data_dir

NAME = "customer_display"
LIMIT_MS = 50.0
CART_LINES = 50
WARMUP = 10


def run(quick: bool = False, products: int | None = None) -> list[Figure]:
    from hardware.displays.pole import PoleDisplay
    from hardware.displays.pole_codec import frame_bytes
    from hardware.serial_port import open_serial
    from hardware.simulators.pole_display import SimulatedPoleDisplay
    from pos_desktop.services.demo_data import demo_ean13

    products = products_for(quick, products)
    scans = 100 if quick else 400
    sim = SimulatedPoleDisplay().start()
    app, container, window, wedge = _open_window(till_data_dir(products))
    pole = PoleDisplay(sim.uri)
    from pos_desktop.ui.customer_facing import CustomerFacing
    from pos_desktop.ui.views.customer_display import CustomerDisplayWindow

    view = window.checkout_view
    customer = CustomerDisplayWindow(view.model, container.settings.name)
    customer.show()
    facing = CustomerFacing(view, container.settings.name, window=customer, pole=pole)  # noqa: F841 (kept alive: its slot is connected)
    raw = open_serial(sim.uri)
    codes = [demo_ean13(n) for n in random.Random(5).sample(range(1, products), scans + WARMUP)]
    window_ns, pole_ns, floor_window_ns, floor_pole_ns = [], [], [], []
    pc = time.perf_counter_ns

    def pole_shows(name: str, timeout_s: float = 2.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not sim.lines[0].startswith(name[:10]):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the pole never showed {name!r}: {sim.lines}")
            sim.changed.wait(0.002)
            sim.changed.clear()

    log(f"customer_display: {scans} scans at {products:,} products ...")
    try:
        for i, code in enumerate(codes):
            if i and i % CART_LINES == 0:
                _reset(app, view)
            t0 = pc()
            view.on_scanner_scanned(code)
            customer.repaint()
            t1 = pc()
            name = view.checkout.cart.lines[-1].item.name
            pole_shows(name)
            t2 = pc()
            app.processEvents()
            t3 = pc()
            customer.repaint()
            t4 = pc()
            frame = frame_bytes(f"raw {i}", "floor")
            t5 = pc()
            raw.write(frame)
            raw.flush()
            pole_shows(f"raw {i}")
            t6 = pc()
            if i >= WARMUP:
                window_ns.append(t1 - t0)
                pole_ns.append(t2 - t0)
                floor_window_ns.append(t4 - t3)
                floor_pole_ns.append(t6 - t5)
    finally:
        raw.close()
        pole.close()
        customer.close()
        app.removeEventFilter(wedge)
        window.close()
        app.processEvents()
        container.close()
        sim.stop()
        _restore_message_handler()
    figures = []
    for label, series, floor, what in (
        ("customer window repainted", window_ns, floor_window_ns, "bare repaint of that window"),
        (
            "pole display shows the item",
            pole_ns,
            floor_pole_ns,
            "same frame written raw to the pty",
        ),
    ):
        fig = Figure(
            bench=NAME,
            name=f"scan -> {label} ({products // 1000}k products)",
            unit="ms",
            stats=Stats.of([v / 1e6 for v in series]),
            floor=Stats.of([v / 1e6 for v in floor]),
            target=f"p99 <= {LIMIT_MS:g} ms",
            extra={"products": products, "floor": what},
        )
        fig.evaluate(LIMIT_MS, None, "floor")
        figures.append(fig)
    return figures


def main(argv: list[str] | None = None) -> int:
    return standard_main(NAME, __doc__, run, argv)


if __name__ == "__main__":
    sys.exit(main())
