"""The composition root: every service, repository and device of the till, built in one place.

``build_container(config, overrides)`` is the only place that builds them; ``app.main`` calls it
and hands the :class:`Container` to the window, which takes what each screen needs from its named
fields. Nothing else builds a service or a repository behind the caller's back, and there are no
module-level globals: tests build their own container, replacing parts through
:class:`Overrides` (a clock they move, a simulated terminal, no sync).
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from peewee import SqliteDatabase

from .config import TillConfig
from .domain.payment import CheckoutSettings
from .domain.store import StoreSettings
from .services.after_sale import AfterSaleService
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
from .services.shelf_labels import ShelfLabelService
from .services.shifts import ShiftService, ShiftSettings
from .services.stock_counts import StockCountService
from .services.stock_moves import StockMoveService
from .services.store_setup import ensure_demo_store
from .services.weighing import ScalePort, WeighingService
from .storage.catalog_repo import CatalogRepository
from .storage.checkout_settings_repo import load_checkout_settings
from .storage.db import open_database
from .storage.drawer_repo import DrawerEventRepository
from .storage.print_job_repo import PrintJobRepository
from .storage.product_search import ProductSearch
from .storage.promotion_repo import PromotionRepository
from .storage.sales_repo import SalesRepository
from .storage.settings_repo import load_settings
from .storage.sync_repo import enrolled_cloud_url
from .storage.voucher_repo import VoucherRepository

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from hardware.displays.pole import PoleDisplay
    from hardware.scanners.serial_scanner import SerialScanner
    from hardware.simulators.printer_tcp import SimulatedPrinter
    from hardware.terminals.base import PaymentTerminal

    from .services.callbacks import CallbackWorker, RetryPolicy
    from .services.email_receipts import EmailReceiptService
    from .services.gift_cards import GiftCardService
    from .services.loyalty import LoyaltyService
    from .services.pos_api import PosApiService, PosApiSettings
    from .sync.mail import MailWorker
    from .sync.worker import SyncWorker


class NotInitialised(RuntimeError):
    """The data dir has no store yet."""


class Stoppable(Protocol):
    """Something running on its own thread (a simulator, the POS API's HTTP server)."""

    def stop(self) -> object: ...


@dataclass(frozen=True, slots=True)
class Overrides:
    """Parts a caller supplies instead of the ones the config names (tests, tools, benchmarks).

    Every field left None is built from the config.
    """

    clock: Clock | None = None
    printer: ReceiptPrinterPort | None = None
    terminal: PaymentTerminal | None = None
    hasher: PasswordHasher | None = None
    scale: ScalePort | None = None
    sync: bool = True  # False keeps an enrolled till offline
    mail: bool = True  # False: e-mailed receipts are queued but no mail worker sends them


@dataclass
class Container:
    """The till's parts, by name. Optional devices are None when the config has none."""

    config: TillConfig
    db: SqliteDatabase
    settings: StoreSettings
    clock: Clock
    # repositories the screens read directly
    catalog: CatalogRepository
    sales: SalesRepository
    search: ProductSearch
    # devices
    printer: ReceiptPrinterPort
    weighing: WeighingService | None
    pole_display: PoleDisplay | None
    serial_scanner: SerialScanner | None
    # services
    checkout: CheckoutService
    printing: PrintingService
    after_sale: AfterSaleService
    cards: CardPaymentService
    auth: AuthService
    shifts: ShiftService
    parking: ParkingService
    returns: ReturnsService
    departments: DepartmentService
    quick_keys: QuickKeyService
    customers: CustomerService
    stock_counts: StockCountService
    goods_receipts: GoodsReceiptService
    stock_moves: StockMoveService
    shelf_labels: ShelfLabelService
    sync: SyncWorker | None = None  # an enrolled till's replication
    # Gift cards and loyalty points (balances in the cloud once enrolled), e-mailed receipts
    gift_cards: GiftCardService | None = None
    loyalty: LoyaltyService | None = None
    email_receipts: EmailReceiptService | None = None
    mail: MailWorker | None = None  # sends the queued e-mails when [smtp] is set
    # The POS API starts once the window shows (``start_pos_api``); its HTTP server is started
    # by the app (``local_api`` sits above this layer) and kept here to be stopped.
    pos_api: PosApiService | None = None
    callback_worker: CallbackWorker | None = None
    pos_api_server: Stoppable | None = None
    # Demo mode's simulated devices; the printer's feeds the on-screen receipt preview.
    printer_simulator: SimulatedPrinter | None = None
    simulators: list[Stoppable] = field(default_factory=list)

    def start_pos_api(
        self, api_settings: PosApiSettings | None = None, retry: RetryPolicy | None = None
    ) -> PosApiService:
        """The POS API service and its durable callback sender (own thread, own connection).

        Sales that pay a request settle it from now on (``AfterSaleService``).
        """
        from .services.callbacks import CallbackWorker
        from .services.pos_api import PosApiService, PosApiSettings

        if api_settings is None:
            api_settings = PosApiSettings(max_amount_minor=self.config.api.max_amount_minor)
        pos_api = PosApiService(self.db, self.settings, self.clock, api_settings)
        path = self.config.database_path
        worker = CallbackWorker(lambda: open_database(path, run_migrations=False), retry)
        worker.start()
        pos_api.on_callback_queued(worker.wake)
        self.pos_api, self.callback_worker = pos_api, worker
        self.after_sale.use_payment_requests(pos_api)
        return pos_api

    def stop_pos_api_server(self) -> None:
        """No request may reach a closed window: stop serving the POS API."""
        server, self.pos_api_server = self.pos_api_server, None
        if server is not None:
            server.stop()

    def reload_checkout_settings(self) -> None:
        """Read the checkout settings (cash rounding, tenders, limits) from the db again, after
        they were changed behind the checkout (the demo seeds them after it was built)."""
        self.checkout.checkout_settings = load_checkout_settings(self.db)

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
            cloud_url=enrolled_cloud_url(self.db),
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
            if self.weighing is not None:
                self.weighing.close()
                self.weighing = None
            if config.scale is not None:
                try:
                    self.weighing = build_weighing(config)
                except Exception as err:
                    problems.append(f"The scale could not be opened: {err}")
        if config.scanner.serial_uri != old.scanner.serial_uri:
            if self.serial_scanner is not None:
                self.serial_scanner.stop()
                self.serial_scanner = None
            if config.scanner.serial_uri:
                try:
                    self.serial_scanner = start_serial_scanner(config)
                except Exception as err:
                    problems.append(f"The serial scanner could not be opened: {err}")
        self.config = config
        return problems

    def use_store_settings(
        self, settings: StoreSettings, checkout_settings: CheckoutSettings
    ) -> None:
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
                cloud_url=enrolled_cloud_url(self.db),
            )
        )
        self.printing.drawer = drawer_settings(self.config, checkout_settings)
        self.shelf_labels = ShelfLabelService(self.db, settings)  # prices in the new locale

    def close(self) -> None:
        """Finish what is queued (receipts, the sync push), then let go of every device."""
        self.stop_pos_api_server()
        self.printing.close()  # waits for the queued receipts
        if self.sync is not None:
            self.sync.flush()  # the last sales go up now; anything left waits in the outbox
        self.cards.close()
        closer = getattr(self.printer, "close", None)
        if closer:
            closer()
        for device in (self.weighing, self.pole_display):
            if device is not None:
                device.close()
        running: list[Stoppable | None] = [
            self.serial_scanner,
            self.sync,
            self.mail,
            self.callback_worker,
            *self.simulators,
        ]
        for part in running:
            if part is not None:
                part.stop()
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


def build_weighing(config: TillConfig, scale: ScalePort | None = None) -> WeighingService:
    """The weighing service on ``scale`` or on the config's Toledo 8217 scale."""
    if scale is None:
        from hardware.scales.toledo8217 import Toledo8217Scale

        if config.scale is None:
            raise ValueError("no scale is configured ([scale] uri in config.toml)")
        scale = Toledo8217Scale(config.scale.uri)
    return WeighingService(scale)


def start_serial_scanner(config: TillConfig) -> SerialScanner:
    """The serial scanner, reading; its thread reconnects by itself after an unplug."""
    from hardware.scanners.serial_scanner import SerialScanner

    if not config.scanner.serial_uri:
        raise ValueError("no serial scanner is configured ([scanner] serial_uri)")
    scanner = SerialScanner(config.scanner.serial_uri, suffix=config.scanner.serial_suffix)
    scanner.start()
    return scanner


def start_sync_if_enrolled(
    config: TillConfig, db: SqliteDatabase, catalog: CatalogRepository
) -> SyncWorker | None:
    """Replicate to the cloud when this till was enrolled (``pos-admin enroll``).

    The worker has its own thread and db connection; the after-sale service only nudges it,
    so selling never waits on the network.
    """
    from .storage.sync_repo import load_credentials

    if load_credentials(db) is None:
        return None
    from .sync.worker import SyncWorker

    worker = SyncWorker(
        config.database_path,
        on_applied=lambda _stream, _count: catalog.forget_cached_rates(),
    )
    worker.start()
    return worker


def wire_balances(container: Container) -> None:
    """Gift cards and loyalty points, whose balances the cloud holds once the till is
    enrolled; holds a crash left open are given back now (no payment is in progress)."""
    from .services.gift_cards import GiftCardService
    from .services.loyalty import LoyaltyService
    from .sync.ledger_client import CloudLedger

    db, checkout, clock = container.db, container.checkout, container.clock
    ledger = CloudLedger(db)
    gift_cards = GiftCardService(db, checkout, ledger, clock)
    loyalty = LoyaltyService(db, checkout, ledger, clock)
    checkout.sale_hooks += [gift_cards.in_sale, loyalty.in_sale]
    checkout.refund_hooks += [gift_cards.in_refund, loyalty.in_refund]
    container.gift_cards, container.loyalty = gift_cards, loyalty
    container.printing.points_earned = loyalty.earned_on  # "Points earned" on the receipt
    gift_cards.recover()
    loyalty.recover()


def wire_email_receipts(container: Container, overrides: Overrides) -> None:
    """E-mailed receipts: queued in the db; a mail worker hands them to the cloud (enrolled)
    or sends them over [smtp] (also the fallback when the cloud cannot be reached)."""
    from .services.email_receipts import EmailReceiptService

    config = container.config
    enrolled = enrolled_cloud_url(container.db) is not None
    service = EmailReceiptService(
        container.db,
        lambda: container.printing.builder,
        container.clock,
        container.settings.terminal_id,
        enabled=config.smtp is not None or enrolled,
    )
    container.email_receipts = service
    if (config.smtp is not None or enrolled) and overrides.mail:
        from .services.receipt_language import of_sale
        from .sync.mail import MailWorker

        worker = MailWorker(config.database_path, config.smtp, language_of=of_sale)
        worker.start()
        service.on_queued = worker.notify
        container.mail = worker


def build_checkout(
    db: SqliteDatabase,
    settings: StoreSettings,
    catalog: CatalogRepository,
    sales: SalesRepository,
    clock: Clock,
) -> CheckoutService:
    """The checkout over the store's promotions, vouchers and checkout settings."""
    return CheckoutService(
        settings,
        catalog,
        sales,
        clock,
        promotions=PromotionRepository(db),
        checkout_settings=load_checkout_settings(db),
        vouchers=VoucherRepository(db),
    )


def build_container(config: TillConfig, overrides: Overrides | None = None) -> Container:
    """Wire everything for ``config``; ``overrides`` replaces parts (see :class:`Overrides`)."""
    overrides = overrides or Overrides()
    db, settings = open_store_database(config)
    clock = overrides.clock or SystemClock()
    printer = overrides.printer or build_printer(config)
    catalog = CatalogRepository(db, settings.currency)
    sales = SalesRepository(db)
    checkout = build_checkout(db, settings, catalog, sales, clock)
    printing = PrintingService(
        PrintJobRepository(db),
        DrawerEventRepository(db),
        printer,
        ReceiptBuilder(
            settings,
            columns=getattr(printer, "columns", 48),
            logo=load_receipt_logo(config, settings),
            cloud_url=enrolled_cloud_url(db),
        ),
        clock,
        drawer_settings(config, checkout.checkout_settings),
    )
    terminal = overrides.terminal or build_terminal(config)
    auth = AuthService(db, clock, hasher=overrides.hasher, terminal_id=settings.terminal_id)
    weighing = None
    if overrides.scale is not None or config.scale is not None:
        weighing = build_weighing(config, overrides.scale)
    pole_display = None
    if config.customer_display.pole_uri:
        from hardware.displays.pole import PoleDisplay

        pole_display = PoleDisplay(config.customer_display.pole_uri)
    sync = start_sync_if_enrolled(config, db, catalog) if overrides.sync else None
    container = Container(
        config=config,
        db=db,
        settings=settings,
        clock=clock,
        catalog=catalog,
        sales=sales,
        search=ProductSearch(db),
        printer=printer,
        weighing=weighing,
        pole_display=pole_display,
        serial_scanner=start_serial_scanner(config) if config.scanner.serial_uri else None,
        checkout=checkout,
        printing=printing,
        after_sale=AfterSaleService(sales, printing, sync),
        cards=CardPaymentService(db, terminal, checkout, clock),
        auth=auth,
        shifts=ShiftService(
            db, clock, auth, ShiftSettings(settings.terminal_id, settings.currency)
        ),
        parking=ParkingService(db, catalog, checkout, clock),
        returns=ReturnsService(db, sales, checkout, clock),
        departments=DepartmentService(db, checkout, clock),
        quick_keys=QuickKeyService(db),
        customers=CustomerService(db, checkout, clock, settings.terminal_id),
        stock_counts=StockCountService(db, checkout, clock, settings.terminal_id),
        goods_receipts=GoodsReceiptService(db, checkout, clock, settings.terminal_id),
        stock_moves=StockMoveService(db, checkout, clock, settings.terminal_id),
        shelf_labels=ShelfLabelService(db, settings),
        sync=sync,
    )
    wire_balances(container)
    wire_email_receipts(container, overrides)
    return container
