"""Start Qt: the application, the wedge scanner filter, the main window."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from pos_desktop.config import TillConfig, load_config
from pos_desktop.container import Container

if TYPE_CHECKING:
    from .pos_api_bridge import PosApiBridge
    from .views.engine_actions import CheckoutDialogs

from .device_bridge import DeviceBridge
from .focus import DialogFocusKeeper
from .gui_thread_gc import install as install_gui_thread_gc
from .integrity_watch import INTEGRITY_CHECK_DELAY_MS, IntegrityWatch
from .language import speak
from .main_window import MainWindow
from .plain_text import PlainTextLabels
from .screen_layout import place_demo_windows
from .staff_session import StaffSession
from .theme import icon, stylesheet
from .wedge_filter import WedgeScannerFilter


def build_window(
    container: Container,
    config: TillConfig,
    app: QApplication,
    *,
    clock=None,
    dialogs: CheckoutDialogs | None = None,
):
    """Wire the window, the scanner filter and the device bridge (shared with the tests, which
    may hand in scripted ``dialogs`` for the checkout's actions)."""
    speak(container.settings.language)  # before the first widget says anything
    bridge = DeviceBridge()
    window = MainWindow(container, bridge, demo=config.demo, dialogs=dialogs)
    wedge = WedgeScannerFilter(
        max_gap_ms=config.scanner.wedge_max_gap_ms,
        min_length=config.scanner.wedge_min_length,
        prefix=config.scanner.wedge_prefix,
        suffix=config.scanner.wedge_suffix,
        gs_substitute=config.scanner.wedge_gs_substitute,
        parent=window,
        **({"clock": clock} if clock else {}),
    )
    wedge.install(app)
    wedge.scanned.connect(bridge.scanned)
    if container.serial_scanner is not None:
        container.serial_scanner.on_scan = bridge.on_serial_scan
    DialogFocusKeeper(window).install(app)
    window.plain_text = PlainTextLabels(window).install(app)
    window.staff = StaffSession(window, idle_lock_s=config.lock_after_idle_s, demo=config.demo)
    if container.pos_api is not None:
        attach_pos_api(window, container.pos_api)
    attach_customer_displays(window, container, config)
    simulator = container.printer_simulator
    if simulator is not None:
        simulator.on_job = bridge.on_simulated_job
        if window.receipt_preview is not None:
            window.receipt_preview.on_drawer_changed = lambda is_open: setattr(
                simulator, "drawer_open", is_open
            )
    return window, wedge, bridge


def first_run_setup(config: TillConfig, app: QApplication | None = None) -> TillConfig | None:
    """Run the setup wizard when the data dir has no store yet (or a setup was left half-way).

    Returns:
        The till's config as the wizard left it (a printer may have been set up), or None
        when the person closed the wizard before the end (the answers so far are kept).
    """
    from pos_desktop.storage.db import open_database

    from .setup_wizard import SetupWizard, needs_setup
    from .tasks import TaskRunner

    db = open_database(config.database_path)
    try:
        if not needs_setup(db):
            return config
        app = app or QApplication.instance() or QApplication(sys.argv[:1])
        app.setStyleSheet(stylesheet())
        install_gui_thread_gc(app)
        tasks = TaskRunner()
        wizard = SetupWizard(db, config.data_dir, tasks)
        done = bool(wizard.exec())  # exec shows it modal (a show() first would not be)
        tasks.wait()
    finally:
        db.close()
    return load_config(config.data_dir, demo=config.demo) if done else None


def attach_customer_displays(window, container: Container, config: TillConfig) -> None:
    """The customer's window (configured, or always in demo mode) and the pole display."""
    from .customer_facing import CustomerFacing

    window.customer_window = None
    if config.customer_display.window or config.demo:
        from .views.customer_display import CustomerDisplayWindow

        window.customer_window = CustomerDisplayWindow(
            window.checkout_view.model,
            container.settings.name,
            config.data_dir / "customer_display",
            parent=window,
        )
        window.customer_window.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
    pole = container.pole_display
    window.customer_facing = None
    if window.customer_window is not None or pole is not None:
        window.customer_facing = CustomerFacing(
            window.checkout_view, container.settings.name, window=window.customer_window, pole=pole
        )
        window.checkout_view.refresh()  # the displays start from what the till shows


def show_customer_window(window, app: QApplication, screen_number: int) -> None:
    """On its own screen when there is one; otherwise beside the till (demo, one screen), or
    minimised where there is no room beside it (``screen_layout``)."""
    customer = window.customer_window
    if customer is None:
        return
    screens = app.screens()
    if 0 < screen_number < len(screens):
        customer.setGeometry(screens[screen_number].geometry())
        customer.showFullScreen()
        return
    # One screen (demo): beside the till, which gives up width for it; never over the till.
    if not screens:
        customer.show()
        return
    place_demo_windows(window, customer, screens[0].availableGeometry())


def fit_to_screen(window, app: QApplication, preferred=(1280, 800)) -> None:
    """Size the window for the screen it opens on: 1280x800 where there is room, the whole
    screen on smaller ones (1024x768 touch screens), never larger than the screen."""
    screen = app.primaryScreen()
    if screen is None:
        window.resize(*preferred)
        return
    room = screen.availableGeometry()
    frame = window.frameGeometry().size() - window.size()  # title bar and borders, if any
    width = min(preferred[0], room.width() - frame.width())
    height = min(preferred[1], room.height() - frame.height())
    window.resize(width, height)
    window.move(room.x() + (room.width() - width - frame.width()) // 2, room.y())


def attach_pos_api(window, pos_api) -> PosApiBridge:
    """Show payment requests from other apps on this window (the app switch)."""
    from .pos_api_bridge import PosApiBridge

    window.pos_api_bridge = PosApiBridge(pos_api, window)
    return window.pos_api_bridge


def run_qt(
    container: Container,
    config: TillConfig,
    *,
    quit_after: float | None = None,
    print_ready: bool = False,
    start_pos_api=None,
) -> int:
    """Run the till's window; ``start_pos_api()`` (returning the service) runs once it shows."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Countertop POS")
    app.setStyleSheet(stylesheet())
    app.setWindowIcon(icon("till"))
    install_gui_thread_gc(app)  # never a collection on a worker thread
    window, _wedge, _bridge = build_window(container, config, app)
    fit_to_screen(window, app)
    window.show()
    show_customer_window(window, app, config.customer_display.screen)
    app.aboutToQuit.connect(lambda: window.customer_window and window.customer_window.close())
    window.raise_()
    window.activateWindow()  # F-key shortcuts need an active window (also without a WM)
    QTimer.singleShot(0, window.resolve_unfinished_card_payments)
    # Every page of the database, once the till is up (not competing with its start).
    window.integrity = IntegrityWatch(window)
    QTimer.singleShot(
        INTEGRITY_CHECK_DELAY_MS, lambda: window.integrity.start(config.database_path)
    )
    QTimer.singleShot(0, window.staff.start)
    if start_pos_api is not None:

        def start_api() -> None:
            attach_pos_api(window, start_pos_api())
            window.pos_api_bridge.start()

        QTimer.singleShot(0, start_api)

    app.aboutToQuit.connect(container.stop_pos_api_server)
    if print_ready:
        QTimer.singleShot(0, lambda: print("READY", flush=True))
    if quit_after is not None:
        QTimer.singleShot(int(quit_after * 1000), app.quit)
    return app.exec()
