"""Composition root: read the config, open the db, build services, start Qt."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .config import (
    ConfigError,
    PrinterConfig,
    ScaleConfig,
    TerminalConfig,
    TillConfig,
    load_config,
)
from .container import Container, NotInitialised, build_container
from .paths import default_data_dir
from .storage.safekeeping import DatabaseDamaged

if TYPE_CHECKING:
    from hardware.simulators.printer_tcp import SimulatedPrinter

    from .services.pos_api import PosApiService

log = logging.getLogger("pos_desktop")

DEMO_PRODUCTS = 500
XCB_HINT = (
    "Qt could not open a window. On Debian/Ubuntu install the X libraries Qt needs:\n"
    "  sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0\n"
    "or run headless with QT_QPA_PLATFORM=offscreen."
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="pos-desktop", description="Countertop POS till (checkout screen)."
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="where the till keeps its database and "
        "config (default: the platform data dir; demo mode has its own)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="demo store, demo catalogue and a "
        "simulated receipt printer + drawer; nothing to set up",
    )
    parser.add_argument(
        "--api-port",
        type=int,
        metavar="P",
        help="port of the POS API other apps call (default 8765 on 127.0.0.1; see config [api])",
    )
    parser.add_argument("--no-api", action="store_true", help="do not serve the POS API")
    parser.add_argument("--quit-after", type=float, default=None, help=argparse.SUPPRESS)
    # Benchmarks: print READY once the window is up and the event loop runs.
    parser.add_argument("--print-ready", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


NO_DISPLAY_HINT = (
    "no display is available: neither DISPLAY (X11) nor WAYLAND_DISPLAY (Wayland) is set.\n"
    "Start the till from the desktop session of the till's screen, or set DISPLAY (e.g.\n"
    "DISPLAY=:0 when the screen runs X server :0). Over SSH use 'ssh -X'. On a server without a\n"
    "screen run a virtual one (xvfb-run pos-desktop --demo) or QT_QPA_PLATFORM=offscreen."
)


def _qt_platform_problem() -> str | None:
    """What keeps Qt from opening a window, checked before QApplication (whose failure to load
    the xcb plugin aborts the process); None when nothing does."""
    if os.environ.get("QT_QPA_PLATFORM") or sys.platform != "linux":
        return None
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        return NO_DISPLAY_HINT
    if os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("DISPLAY"):
        return None  # Qt's Wayland plugin does not need the X libraries
    import ctypes.util

    return None if ctypes.util.find_library("xcb-cursor") else XCB_HINT


def start_demo_devices(config: TillConfig) -> tuple[TillConfig, DemoDevices]:
    """Simulated printer (loopback TCP), card terminal and scale (ptys): the real protocols."""
    from hardware.simulators.printer_tcp import SimulatedPrinter
    from hardware.simulators.scale_toledo import SimulatedScale
    from hardware.simulators.terminal_concert import SimulatedConcertTerminal

    printer = SimulatedPrinter().start()
    terminal = SimulatedConcertTerminal("approve", delay_s=2.0).start()
    scale = SimulatedScale(weight_grams=750).start()  # 0.750 kg of loose tomatoes, say
    config = replace(
        config,
        printer=PrinterConfig(uri=printer.uri),
        terminal=TerminalConfig(uri=terminal.uri),
        scale=ScaleConfig(uri=scale.uri),
        demo=True,
    )
    return config, DemoDevices(printer, [printer, terminal, scale])


@dataclass(frozen=True, slots=True)
class DemoDevices:
    printer: SimulatedPrinter  # its jobs feed the on-screen receipt preview
    all: list  # every simulator, stopped with the container


def start_pos_api_services(container: Container, port: int | None) -> PosApiService:
    """The POS API service, the durable callback sender, and the HTTP server.

    Called once the window is up: the web framework takes most of a second to import, so the
    server is imported and started on its own thread and the till is ready to scan meanwhile.
    A port already in use is reported and the till sells on without the API.
    """
    pos_api = container.start_pos_api()
    config = container.config

    def serve() -> None:
        from .local_api import ApiServerError, start_pos_api

        try:
            container.pos_api_server = start_pos_api(
                pos_api,
                container.parking,
                host=config.api.host,
                port=port or config.api.port,
            )
        except ApiServerError as err:
            print(f"pos-desktop: {err} The till runs without the POS API.", file=sys.stderr)

    threading.Thread(target=serve, name="pos-api-start", daemon=True).start()
    return pos_api


def prepare_demo(container: Container, products: int = DEMO_PRODUCTS) -> None:
    """The demo's first run fills the store: catalogue, weighed items, promotions, vouchers,
    cash rounding and the demo users (later runs keep what is there)."""
    from .services.demo_data import write_demo_catalog, write_demo_weighed
    from .services.demo_staff import ensure_demo_staff

    if container.catalog.count_products() == 0:
        from .services.pricing_service import seed_demo_promotions

        write_demo_catalog(container.db, products)
        write_demo_weighed(container.db, container.settings.barcode_region)
        seed_demo_promotions(container.db, currency=container.settings.currency)
        # The checkout read its settings when it was built, before these were seeded: read them
        # again, or the first run would sell without the store's cash rounding.
        container.reload_checkout_settings()
    ensure_demo_staff(container.auth)
    container.departments.seed_demo()
    container.quick_keys.seed_demo()
    container.customers.seed_demo()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # python-escpos logs every connection on the root logger at INFO: keep the root at WARNING
    # and our own packages at INFO.
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for name in ("pos_desktop", "hardware"):
        logging.getLogger(name).setLevel(logging.INFO)
    data_dir = args.data_dir or default_data_dir(demo=args.demo)
    try:
        config = load_config(data_dir, demo=args.demo)
    except ConfigError as err:
        print(f"pos-desktop: {err}", file=sys.stderr)
        return 2
    if (problem := _qt_platform_problem()) is not None:
        print(f"pos-desktop: {problem}", file=sys.stderr)
        return 1
    demo_devices = None
    if args.demo:
        config, demo_devices = start_demo_devices(config)
    else:
        from .ui.qt_app import first_run_setup

        try:
            set_up = first_run_setup(config)
        except DatabaseDamaged as err:  # what is wrong and how to restore, not a traceback
            print(f"pos-desktop: {err}", file=sys.stderr)
            return 1
        if set_up is None:
            print(
                "pos-desktop: the setup is not finished; start pos-desktop again to go on "
                "where you left off.",
                file=sys.stderr,
            )
            return 0
        config = set_up
    try:
        container = build_container(config)
    except (NotInitialised, DatabaseDamaged) as err:
        print(f"pos-desktop: {err}", file=sys.stderr)
        for sim in demo_devices.all if demo_devices else ():
            sim.stop()
        return 1
    if demo_devices is not None:
        container.printer_simulator, container.simulators = demo_devices.printer, demo_devices.all
    if args.demo:
        prepare_demo(container)
    after_show = None
    if config.api.enabled and not args.no_api:

        def after_show() -> PosApiService:
            return start_pos_api_services(container, args.api_port)

    from .ui.qt_app import run_qt

    try:
        return run_qt(
            container,
            config,
            quit_after=args.quit_after,
            print_ready=args.print_ready,
            start_pos_api=after_show,
        )
    finally:
        container.close()
