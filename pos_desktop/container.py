"""The composition root's wiring: one object holding the db, the services and the devices.

No module-level globals: tests build their own container with ``overrides``.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from peewee import SqliteDatabase

from .config import TillConfig
from .domain.store import StoreSettings
from .services.auth import AuthService
from .services.card_payments import CardPaymentService
from .services.checkout import CheckoutService
from .services.customers import CustomerService
from .services.departments import DepartmentService
from .services.goods_receipts import GoodsReceiptService
from .services.parking import ParkingService
from .services.ports import Clock, NoPrinter, ReceiptPrinterPort, SystemClock
from .services.printing import DrawerSettings, PrintingService
from .services.quick_keys import QuickKeyService
from .services.receipts import ReceiptBuilder
from .services.returns import ReturnsService
from .services.shifts import ShiftService, ShiftSettings
from .services.stock_counts import StockCountService
from .services.stock_moves import StockMoveService
from .services.store_setup import ensure_demo_store
from .storage.catalog_repo import CatalogRepository
from .storage.db import open_database
from .storage.product_search import ProductSearch
from .storage.sales_repo import SalesRepository
from .storage.settings_repo import load_settings


class NotInitialised(RuntimeError):
    """The data dir has no store yet."""


@dataclass
class Container:
    config: TillConfig
    db: SqliteDatabase
    settings: StoreSettings
    clock: Clock
    catalog: CatalogRepository
    sales: SalesRepository
    checkout: CheckoutService
    printer: ReceiptPrinterPort
    printing: PrintingService
    cards: CardPaymentService
    auth: AuthService
    shifts: ShiftService
    extras: dict[str, Any] = field(default_factory=dict)

    def use_printer_config(self, config: TillConfig) -> Future:
        """Switch to the printer and drawer of ``config`` (the Devices screen saved them).

        Live, without a restart: the new printer port is built here and handed to the
        printing service, which swaps it in after the jobs already queued.
        """
        printer = build_printer(config)
        builder = ReceiptBuilder(
            self.settings,
            columns=getattr(printer, "columns", 48),
            logo=load_receipt_logo(config, self.settings),
        )
        future = self.printing.replace_printer(
            printer, builder, drawer_settings(config, self.checkout.checkout_settings)
        )
        self.printer, self.config = printer, config
        return future

    def use_device_config(self, config: TillConfig) -> list[str]:
        """Switch the card terminal, scale and serial scanner to those of ``config`` (the
        Devices screen saved them), live. The printer goes through :meth:`use_printer_config`.

        Returns:
            What could not be opened now, one sentence each (empty when all is well); the
            config is saved either way and is tried again at the next start.
        """
        problems: list[str] = []
        old = self.config
        if config.terminal != old.terminal:
            try:
                self.cards.replace_terminal(build_terminal(config))
            except Exception as err:  # a driver refusing its URI must not stop the till
                problems.append(f"The card terminal could not be opened: {err}")
        if config.scale != old.scale:
            if (weighing := self.extras.pop("weighing", None)) is not None:
                weighing.close()
            if config.scale is not None:
                try:
                    self.extras["weighing"] = build_weighing(config)
                except Exception as err:
                    problems.append(f"The scale could not be opened: {err}")
        if config.scanner.serial_uri != old.scanner.serial_uri:
            if (scanner := self.extras.pop("serial_scanner", None)) is not None:
                scanner.stop()
            if config.scanner.serial_uri:
                try:
                    self.extras["serial_scanner"] = start_serial_scanner(config)
                except Exception as err:
                    problems.append(f"The serial scanner could not be opened: {err}")
        self.config = config
        return problems

    def use_store_settings(self, settings: StoreSettings, checkout_settings) -> None:
        """New store-wide settings (the Store settings screen saved them), live.

        Receipts printed from now carry the new name, address and tax id; the next sale uses
        the new rounding, discount limit and tenders.
        """
        self.settings = settings
        self.checkout.settings = settings
        self.checkout.checkout_settings = checkout_settings
        self.catalog.forget_cached_rates()
        self.printing.replace_builder(
            ReceiptBuilder(
                settings,
                columns=self.printing.columns,
                logo=load_receipt_logo(self.config, settings),
            )
        )
        self.printing.drawer = drawer_settings(self.config, checkout_settings)

    def close(self) -> None:
        """Finish what is queued (receipts, the sync push), then let go of every device."""
        self.printing.close()  # waits for the queued receipts
        sync = self.extras.get("sync")
        if sync is not None and hasattr(sync, "flush"):
            sync.flush()  # the last sales go up now; anything left waits in the outbox
        self.cards.close()
        closer = getattr(self.printer, "close", None)
        if closer:
            closer()
        for extra in self.extras.values():
            stop = getattr(extra, "stop", None)
            if stop:
                stop()
        self.db.close()


def open_store_database(config: TillConfig) -> tuple[SqliteDatabase, StoreSettings]:
    """Open the db; the demo creates its store, a real till must have run ``pos-admin init``."""
    db = open_database(config.database_path)
    settings = ensure_demo_store(db) if config.demo else load_settings(db)
    if settings is None:
        db.close()
        raise NotInitialised(
            f"No store is set up in {config.data_dir}; start pos-desktop to run the setup, or "
            f"run 'pos-admin --data-dir {config.data_dir} init', or start with --demo."
        )
    return db, settings


def build_printer(config: TillConfig) -> ReceiptPrinterPort:
    if config.printer is None:
        return NoPrinter()
    from .devices.printer import EscPosReceiptPrinter

    return EscPosReceiptPrinter(
        config.printer.uri,
        profile=config.printer.profile,
        code_page=config.printer.code_page,
        drawer_open_high=config.drawer.open_when_high,
    )


def load_receipt_logo(config: TillConfig, settings: StoreSettings | None = None):
    """The logo (the printer's own, else the store's) as a raster, loaded once; a bad file is
    logged and skipped (the till must still sell and print)."""
    name = (config.printer.logo if config.printer else None) or (
        settings.receipt_logo if settings else ""
    )
    if config.printer is None or not name:
        return None
    from hardware.base import DeviceError
    from hardware.printers.logo import load_logo

    path = config.data_dir / name  # an absolute path stays absolute
    try:
        return load_logo(path)
    except DeviceError as err:
        logging.getLogger(__name__).warning("receipts print without a logo: %s", err)
        return None


def drawer_settings(config: TillConfig, checkout_settings=None) -> DrawerSettings:
    """How the drawer opens: the config's wiring, the store's tenders that open it."""
    d = config.drawer
    return DrawerSettings(
        pin=d.pin,
        on_ms=d.on_ms,
        off_ms=d.off_ms,
        open_on_cash=d.open_on_cash,
        standalone=build_standalone_drawer(config),
        tenders=checkout_settings.drawer_tenders if checkout_settings else (),
    )


def build_standalone_drawer(config: TillConfig):
    """A serial/USB drawer of its own, when ``[drawer] uri`` names one."""
    d = config.drawer
    if d.uri is None:
        return None
    from hardware.drawers.printer_drawer import SerialDrawer

    return SerialDrawer(
        d.uri, open_sequence=bytes.fromhex(d.open_sequence_hex), pulse_dtr=d.pulse_dtr
    )


def build_terminal(config: TillConfig):
    if config.terminal is None:
        return None
    from hardware.terminals.concert import ConcertTerminal

    t = config.terminal
    return ConcertTerminal(t.uri, pos_number=t.pos_number, result_timeout=t.result_timeout_s)


def build_weighing(config: TillConfig, scale=None):
    """The weighing service on ``scale`` or on the config's Toledo 8217 scale."""
    from .services.weighing import WeighingService

    if scale is None:
        from hardware.scales.toledo8217 import Toledo8217Scale

        scale = Toledo8217Scale(config.scale.uri)
    return WeighingService(scale)


def start_serial_scanner(config: TillConfig):
    """The serial scanner, reading; its thread reconnects by itself after an unplug."""
    from hardware.scanners.serial_scanner import SerialScanner

    scanner = SerialScanner(config.scanner.serial_uri, suffix=config.scanner.serial_suffix)
    scanner.start()
    return scanner


def start_sync_if_enrolled(container: Container, overrides: dict[str, Any]) -> None:
    """Replicate to the cloud when this till was enrolled (``pos-admin enroll``).

    The worker has its own thread and db connection; the checkout only nudges it after a sale,
    so selling never waits on the network.
    """
    from .storage.sync_repo import load_credentials

    if overrides.get("sync") is False or load_credentials(container.db) is None:
        return
    from .sync.worker import SyncWorker

    worker = SyncWorker(
        container.config.database_path,
        on_applied=lambda _stream, _count: container.catalog.forget_cached_rates(),
    )
    worker.start()
    container.extras["sync"] = worker  # the window nudges it after each sale (notify)


def build_container(config: TillConfig, overrides: dict[str, Any] | None = None) -> Container:
    """Wire everything for ``config``; ``overrides`` replaces parts (``clock``, ``printer``,
    ``terminal``, ``hasher``, ``scale``; ``sync=False`` keeps an enrolled till offline)."""
    overrides = overrides or {}
    db, settings = open_store_database(config)
    clock = overrides.get("clock") or SystemClock()
    printer = overrides.get("printer") or build_printer(config)
    catalog = CatalogRepository(db, settings.currency)
    sales = SalesRepository(db)
    checkout = CheckoutService(settings, catalog, sales, clock)
    printing = PrintingService(
        db,
        printer,
        ReceiptBuilder(
            settings,
            columns=getattr(printer, "columns", 48),
            logo=load_receipt_logo(config, settings),
        ),
        clock,
        drawer_settings(config, checkout.checkout_settings),
    )
    terminal = overrides["terminal"] if "terminal" in overrides else build_terminal(config)
    cards = CardPaymentService(db, terminal, checkout, clock)
    auth = AuthService(
        db, clock, **({"hasher": overrides["hasher"]} if "hasher" in overrides else {})
    )
    shifts = ShiftService(db, clock, auth, ShiftSettings(settings.terminal_id, settings.currency))
    container = Container(
        config,
        db,
        settings,
        clock,
        catalog,
        sales,
        checkout,
        printer,
        printing,
        cards,
        auth,
        shifts,
    )
    container.extras["parking"] = ParkingService(db, catalog, checkout, clock)
    container.extras["returns"] = ReturnsService(db, sales, checkout, clock)
    container.extras["search"] = ProductSearch(db)
    container.extras["departments"] = DepartmentService(db, checkout, clock)
    container.extras["quick_keys"] = QuickKeyService(db)
    container.extras["customers"] = CustomerService(db, checkout, clock, settings.terminal_id)
    container.extras["stock_counts"] = StockCountService(db, checkout, clock, settings.terminal_id)
    container.extras["goods_receipts"] = GoodsReceiptService(
        db, checkout, clock, settings.terminal_id
    )
    container.extras["stock_moves"] = StockMoveService(db, checkout, clock, settings.terminal_id)
    if "scale" in overrides or config.scale is not None:
        container.extras["weighing"] = build_weighing(config, overrides.get("scale"))
    if config.customer_display.pole_uri:
        from hardware.displays.pole import PoleDisplay

        container.extras["pole_display"] = PoleDisplay(config.customer_display.pole_uri)
    start_sync_if_enrolled(container, overrides)
    if config.scanner.serial_uri:
        container.extras["serial_scanner"] = start_serial_scanner(config)
    return container
