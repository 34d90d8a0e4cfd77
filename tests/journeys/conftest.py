"""Journey harness: drive the real till window only through input events.

A journey is what a person does at the till, end to end: scanner bursts (with the Shift presses a
USB HID scanner sends for capitals), keys with their modifiers, clicks on the real buttons, PINs
on the pad. It asserts on what the person sees (labels, dialogs, the printed receipt) and on what
the database holds. No handler is called directly.

Modal dialogs run their own event loop (``exec``), so a journey is a generator driven from Qt
timers: each ``yield`` hands a step to the driver, which schedules the next resume *before* doing
the step. When the step opens a modal dialog, the journey resumes inside that dialog's loop and
can drive it::

    def test_pay_cash(journey):
        def steps(j):
            yield j.scan("SKU0000005")               # Shift+S Shift+K Shift+U 0 0 ... Enter
            yield j.key(Qt.Key.Key_F12)               # opens the cash dialog (modal)
            dialog = yield j.modal(PayCashDialog)
            yield j.type("20")                        # a person typing, 150 ms per key
            yield j.key(Qt.Key.Key_Return)
            yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1)
            assert "Change" in j.view.message.text()

        journey.run(steps)

The till starts as ``pos-desktop --demo`` does (``journey`` fixture: Demo Cashier logged in, a
shift open with a float) or with nobody logged in (``fresh_journey``: the login dialog comes first).
``demo_journey`` is the demo's very first run on a fresh data dir (promotions, vouchers GIFT-1000 /
GIFT-5000, 0.05 cash rounding, seeded by ``app.prepare_demo``); ``card_journey`` adds a simulated
Concert terminal (``@pytest.mark.parametrize("card_journey", ["silent"], indirect=True)`` for a
lost answer). Demo users: Demo Cashier PIN 1111, Demo Manager PIN 9999.

Steps: ``scan``, ``type``, ``key``, ``click`` (a button), ``tap`` / ``click_on`` (any widget),
``fill`` (click a field, Ctrl+A, type over it), ``menu("Staff", "Close shift")`` (clicks on the
menu bar and the menu entry), ``pin``, ``choose``, ``wait``, ``until``, ``modal``, ``closed``.

``api_journey`` is ``journey`` with the till's POS API served on loopback, the app switch on the
window and one registered app; ``j.api.ask(**fields)`` posts a payment request as that app would
(over real HTTP) and ``j.api.receiver`` records the signed result callbacks.

``first_start_journey`` starts as ``pos-desktop`` does on an empty data dir: ``yield j.start()``
opens the setup wizard (a modal: the journey goes on inside it); once the wizard is finished the
real window is built, ``j.window``/``j.view``/``j.db`` are filled in, and the login dialog comes
up. ``j.tap(field)`` puts the finger (and the keyboard focus) on a field to type into.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QRadioButton,
    QWidget,
)

from pos_desktop.services.demo_staff import ensure_demo_staff
from tests.ui.conftest import KeyClock
from tests.waits import EVENTUALLY_S

SCANNER_GAP_S = 0.003  # a USB HID scanner: ~3 ms per key
PERSON_GAP_S = 0.15  # a person typing

# Characters a US layout types with Shift held (besides capitals).
_US_SHIFTED = set('~!@#$%^&*()_+{}|:"<>?')
# A German (QWERTZ) layout: '/' is Shift+7, '-' is unshifted, '@' is AltGr+Q.
_DE_SHIFTED = set("!\"§$%&/()=?*'>;:_")
_DE_ALTGR = set("@{}[]\\~|€")


def key_for(char: str) -> Qt.Key:
    """The Qt key code a keyboard reports for ``char`` (letters by their capital)."""
    if char.isalpha() and char.isascii():
        return Qt.Key(ord(char.upper()))
    if char == "\x1d":
        return Qt.Key.Key_unknown  # GS: scanners send it as Ctrl+] or an ALT+029 sequence
    return Qt.Key(ord(char)) if ord(char) < 0x7F else Qt.Key.Key_unknown


def modifiers_for(char: str, layout: str) -> Qt.KeyboardModifier:
    """What a HID scanner holds down to type ``char`` on ``layout`` ('us' or 'de')."""
    none = Qt.KeyboardModifier.NoModifier
    if char.isalpha() and char.isupper():
        return Qt.KeyboardModifier.ShiftModifier
    if layout == "de":
        if char in _DE_ALTGR:  # AltGr reaches applications as Ctrl+Alt on Windows
            return Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        return Qt.KeyboardModifier.ShiftModifier if char in _DE_SHIFTED else none
    return Qt.KeyboardModifier.ShiftModifier if char in _US_SHIFTED else none


class Step:
    """One thing the person does; ``delay_ms`` is how long the driver waits before resuming."""

    def __init__(self, action: Callable[[], Any] | None = None, delay_ms: int = 0) -> None:
        self.action = action
        self.delay_ms = delay_ms

    def start(self, journey: Journey) -> None:
        # Resume first: if the action opens a modal dialog, the journey goes on inside its loop.
        journey._resume_later(self.delay_ms, None)
        if self.action is not None:
            self.action()


class WaitFor(Step):
    """Resume once ``probe()`` returns something truthy (that value is sent back)."""

    def __init__(self, probe: Callable[[], Any], timeout_s: float, what: str) -> None:
        super().__init__()
        self.probe, self.timeout_s, self.what = probe, timeout_s, what

    def start(self, journey: Journey) -> None:
        deadline = time.monotonic() + self.timeout_s

        def poll() -> None:
            try:
                value = self.probe()
            except Exception as err:  # noqa: BLE001 (reported in the journey)
                journey._throw(err)
                return
            if value:
                journey._advance(value)
            elif time.monotonic() > deadline:
                journey._throw(AssertionError(f"timed out after {self.timeout_s} s: {self.what}"))
            else:
                QTimer.singleShot(20, poll)

        QTimer.singleShot(0, poll)


class Journey:
    """Input events for the real window; see the module docstring."""

    def __init__(self, qtbot, window, wedge, clock: KeyClock, till) -> None:
        self.qtbot, self.clock = qtbot, clock
        self.window = self.wedge = self.till = self.view = self.db = None
        if window is not None:
            self.attach(window, wedge, till)
        self._gen: Generator | None = None
        self._done = False
        self._error: BaseException | None = None

    def attach(self, window, wedge, till) -> None:
        """The window the journey drives (set later when the till starts inside the journey)."""
        self.window, self.wedge, self.till = window, wedge, till
        self.view = window.checkout_view
        self.db = till.db

    # -- the driver -------------------------------------------------------------------------------

    def run(
        self, script: Callable[[Journey], Generator], timeout_s: float = 3 * EVENTUALLY_S
    ) -> None:
        """Run ``script(self)`` to its end; an assertion inside it fails the test."""
        self._gen, self._done, self._error = script(self), False, None
        QTimer.singleShot(0, lambda: self._advance(None))
        try:
            self.qtbot.waitUntil(lambda: self._done, timeout=int(timeout_s * 1000))
        finally:
            # The script's frame holds dialogs; and it holds this journey, which holds it: a
            # cycle only the garbage collector would free, much later, in another test, when the
            # Qt objects behind those wrappers are long gone (a crash there). Free it now.
            gen, self._gen = self._gen, None
            gen.close()
        error, self._error = self._error, None
        if error is not None:
            raise error

    def _resume_later(self, delay_ms: int, value: Any) -> None:
        QTimer.singleShot(delay_ms, lambda: self._advance(value))

    def _advance(self, value: Any) -> None:
        if self._done:
            return
        try:
            step = self._gen.send(value)
        except StopIteration:
            self._finish(None)
            return
        except BaseException as err:  # noqa: BLE001 (the test re-raises it)
            self._finish(err)
            return
        if not isinstance(step, Step):
            self._finish(TypeError(f"a journey yields steps, not {step!r}"))
            return
        step.start(self)

    def _throw(self, err: BaseException) -> None:
        if self._done:
            return
        try:
            step = self._gen.throw(err)
        except StopIteration:
            self._finish(None)
            return
        except BaseException as raised:  # noqa: BLE001
            self._finish(raised)
            return
        step.start(self)

    def _finish(self, err: BaseException | None) -> None:
        self._done, self._error = True, err
        if err is not None and self.window is not None:
            # A failed journey ends the till's session: a locked screen stops re-asking for a
            # PIN once its window is gone (otherwise the test hangs until its timeout).
            self.window.hide()
        for widget in QApplication.topLevelWidgets():  # leave no modal loop running
            if widget.isModal() and widget.isVisible() and hasattr(widget, "reject"):
                widget.reject()

    # -- where keys go ----------------------------------------------------------------------------

    def focus(self) -> QWidget:
        """The widget that gets the next key, as on a real screen."""
        return (
            QApplication.focusWidget()
            or QApplication.activeModalWidget()
            or QApplication.activeWindow()
            or self.window
        )

    def _char(self, char: str, gap_s: float, layout: str) -> None:
        self.clock.advance(gap_s)
        target = self.focus()
        key, mods = key_for(char), modifiers_for(char, layout)
        # The modifier's own key goes down first and up last, as a HID keyboard sends it.
        if mods & Qt.KeyboardModifier.ControlModifier:  # AltGr
            modifier_key, down_mods = Qt.Key.Key_AltGr, Qt.KeyboardModifier.NoModifier
        elif mods & Qt.KeyboardModifier.ShiftModifier:
            modifier_key, down_mods = Qt.Key.Key_Shift, Qt.KeyboardModifier.ShiftModifier
        else:
            modifier_key = None
        if modifier_key is not None:
            QTest.sendKeyEvent(QTest.KeyAction.Press, target, modifier_key, "", down_mods)
        QTest.sendKeyEvent(QTest.KeyAction.Press, target, key, char, mods)
        QTest.sendKeyEvent(QTest.KeyAction.Release, target, key, char, mods)
        if modifier_key is not None:
            QTest.sendKeyEvent(
                QTest.KeyAction.Release, target, modifier_key, "", Qt.KeyboardModifier.NoModifier
            )

    # -- steps ------------------------------------------------------------------------------------

    def scan(self, code: str, *, layout: str = "us", gap_s: float = SCANNER_GAP_S) -> Step:
        """A keyboard-wedge scan: every key at scanner speed (Shift held for capitals), Enter."""

        def burst() -> None:
            self.clock.advance(PERSON_GAP_S)  # a scan starts after a pause, not within a key's 3 ms
            for char in code:
                self._char(char, gap_s, layout)
            self.clock.advance(gap_s)
            QTest.keyClick(self.focus(), Qt.Key.Key_Return)

        return Step(burst, delay_ms=30)

    def type(
        self,
        text: str,
        *,
        layout: str = "us",
        gap_s: float = PERSON_GAP_S,
        then: Qt.Key | None = None,
    ) -> Step:
        """A person typing ``text`` (150 ms per key); the wedge filter hands the keys on.

        ``then``: a key (e.g. F2) pressed right after the last character, before the filter's
        hold-back timer runs: a quick typist.
        """

        def keys() -> None:
            for char in text:
                self._char(char, gap_s, layout)
            self.clock.advance(gap_s)
            if then is not None:
                QTest.keyClick(self.focus(), then)

        return Step(keys, delay_ms=120)  # > the filter's hold-back timer

    def key(
        self,
        key: Qt.Key,
        modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
        *,
        to: QWidget | None = None,
    ) -> Step:
        """Press and release one key (F-keys, Enter, Esc, Del, arrows, shortcuts)."""

        def press() -> None:
            self.clock.advance(PERSON_GAP_S)
            QTest.keyClick(to or self.focus(), key, modifiers)

        return Step(press, delay_ms=30)

    def click(self, button: QWidget) -> Step:
        """A click (or a finger) on a real, visible, enabled button, box or field."""

        def tap() -> None:
            if not (button.isVisible() and button.isEnabled()):
                name = button.text() if hasattr(button, "text") else type(button).__name__
                raise AssertionError(f"{name!r} is not clickable")
            pos = button.rect().center()
            if isinstance(button, QCheckBox | QRadioButton):  # a finger on the box and its words
                pos = QPoint(min(12, button.width() // 2), button.height() // 2)
            QTest.mouseClick(button, Qt.MouseButton.LeftButton, pos=pos)

        return Step(tap, delay_ms=30)

    def tap(self, widget: QWidget) -> Step:
        """A finger on a field (or any widget): it gets the keyboard focus, as on a screen."""

        def touch() -> None:
            if not (widget.isVisible() and widget.isEnabled()):
                raise AssertionError(f"{type(widget).__name__} is not on screen to tap")
            target = getattr(widget, "viewport", lambda: widget)()  # text areas: their page
            QTest.mouseClick(target, Qt.MouseButton.LeftButton)
            if not widget.hasFocus():  # offscreen platforms may not focus on a click
                widget.setFocus(Qt.FocusReason.MouseFocusReason)

        return Step(touch, delay_ms=30)

    def tap_row(self, view, row: int) -> Step:
        """A tap on row ``row`` of a list or table on screen."""

        def tap() -> None:
            index = view.model().index(row, 0)
            rect = view.visualRect(index)
            if not view.isVisible() or rect.isEmpty():
                raise AssertionError(f"row {row} of {view.objectName() or view} is not on screen")
            QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

        return Step(tap, delay_ms=30)

    def click_row(self, table: QAbstractItemView, row: int) -> Step:
        """A click (or a finger) on a row of a list or table."""

        def tap() -> None:
            rect = table.visualRect(table.model().index(row, 0))
            if not rect.isValid():
                raise AssertionError(f"row {row} is not on screen")
            QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

        return Step(tap, delay_ms=30)

    def click_at(self, widget: QWidget, pos: QPoint) -> Step:
        """A click at ``pos`` inside ``widget`` (e.g. a menu title on the menu bar)."""
        return Step(
            lambda: QTest.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos), delay_ms=60
        )

    def pin(self, dialog: QWidget, digits: str, *, enter: bool = True) -> Step:
        """Tap a PIN on the dialog's PIN pad, then its Enter key."""

        def taps() -> None:
            pad = self.pin_pad(dialog)
            for digit in digits:
                QTest.mouseClick(pad.buttons[digit], Qt.MouseButton.LeftButton)
            if enter:
                QTest.mouseClick(pad.buttons["Enter"], Qt.MouseButton.LeftButton)

        return Step(taps, delay_ms=30)

    def choose(self, combo: QComboBox, text: str) -> Step:
        """Pick the entry containing ``text`` in a drop-down with the arrow keys (down, then up)."""

        def arrows() -> None:
            combo.setFocus()
            for key in (Qt.Key.Key_Down, Qt.Key.Key_Up):  # down the list, then back up
                for _ in range(combo.count()):
                    if text in combo.currentText():
                        return
                    QTest.keyClick(combo, key)
            if text not in combo.currentText():
                items = [combo.itemText(i) for i in range(combo.count())]
                raise AssertionError(f"{text!r} is not among {items}")

        return Step(arrows, delay_ms=10)

    def click_on(self, widget: QWidget) -> Step:
        """A click in any visible widget (a text field, a spin box): the same as :meth:`tap`."""
        return self.tap(widget)

    def fill(self, field: QWidget, text: str) -> Step:
        """Click in a field, select what is there (Ctrl+A) and type ``text`` over it."""

        def keys() -> None:
            QTest.mouseClick(field, Qt.MouseButton.LeftButton)
            field.setFocus(Qt.FocusReason.MouseFocusReason)
            target = self.focus()
            QTest.keyClick(target, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            for char in text:
                self._char(char, PERSON_GAP_S, "us")
            self.clock.advance(PERSON_GAP_S)

        return Step(keys, delay_ms=120)

    def menu(self, *path: str) -> Step:
        """Open a menu of the window's menu bar and click an entry (``"Staff", "Close shift"``)."""

        def clicks() -> None:
            bar = self.window.menuBar()
            top = _action(bar.actions(), path[0])
            QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(top).center())
            popup = top.menu()
            for label in path[1:]:
                item = _action(popup.actions(), label)
                QTest.mouseClick(
                    popup, Qt.MouseButton.LeftButton, pos=popup.actionGeometry(item).center()
                )
                popup = item.menu()

        return Step(clicks, delay_ms=30)

    def wait(self, ms: int) -> Step:
        return Step(None, delay_ms=ms)

    def until(
        self, probe: Callable[[], Any], timeout_s: float = EVENTUALLY_S, what: str = ""
    ) -> WaitFor:
        """Wait until ``probe()`` is truthy; the yield returns its value."""
        return WaitFor(probe, timeout_s, what or getattr(probe, "__name__", "condition"))

    def modal(self, kind: type | None = None, timeout_s: float = EVENTUALLY_S) -> WaitFor:
        """Wait for a modal dialog (of ``kind``) to be on screen; the yield returns it."""

        def probe():
            widget = QApplication.activeModalWidget()
            # As a person sees it: on screen and holding the keyboard (the active window).
            if widget is None or not widget.isVisible() or not widget.isActiveWindow():
                return None
            return widget if kind is None or isinstance(widget, kind) else None

        return WaitFor(probe, timeout_s, f"a {getattr(kind, '__name__', 'modal')} dialog")

    def closed(self, dialog: QWidget, timeout_s: float = EVENTUALLY_S) -> WaitFor:
        """Wait until ``dialog`` is off screen (closed, or deleted with its parent)."""
        import shiboken6

        return WaitFor(
            lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(),
            timeout_s,
            f"{type(dialog).__name__} closed",
        )

    # -- what the person sees ---------------------------------------------------------------------

    @staticmethod
    def button(parent: QWidget, text: str) -> QAbstractButton:
        """The visible button whose label contains ``text``."""
        found = [
            b for b in parent.findChildren(QAbstractButton) if text in b.text() and b.isVisible()
        ]
        if not found:
            labels = [b.text() for b in parent.findChildren(QAbstractButton) if b.isVisible()]
            raise AssertionError(f"no button {text!r}; visible buttons: {labels}")
        return found[0]

    @staticmethod
    def pin_pad(dialog: QWidget):
        from pos_desktop.ui.views.login_dialog import PinPad

        pad = dialog.findChild(PinPad)
        if pad is None:
            raise AssertionError(f"{type(dialog).__name__} has no PIN pad")
        return pad

    def cart_names(self) -> list[str]:
        model = self.view.model
        return [str(model.index(r, 0).data()) for r in range(model.rowCount())]

    def message(self) -> str:
        return self.view.message.text()

    def db_one(self, sql: str, params: tuple = ()):
        row = self.db.execute_sql(sql, params).fetchone()
        return row[0] if row is not None and len(row) == 1 else row


def _action(actions, label: str):
    for action in actions:
        if label in action.text().replace("&", ""):
            return action
    raise AssertionError(f"no menu entry {label!r} in {[a.text() for a in actions]}")


@pytest.fixture
def key_clock():
    return KeyClock()


def _open_window(qtbot, qapp, till, sim_printer, key_clock):
    from pos_desktop.ui.qt_app import build_window

    till.printer_simulator = sim_printer  # demo mode: preview + drawer state
    ensure_demo_staff(till.auth)
    window, wedge, _bridge = build_window(till, till.config, qapp, clock=key_clock)
    qtbot.addWidget(window)
    window.resize(1280, 760)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    return window, wedge


@pytest.fixture
def first_start_journey(qtbot, qapp, tmp_path, key_clock):
    """``pos-desktop`` on an empty data dir: ``yield j.start()`` opens the setup wizard."""
    from pos_desktop.config import TillConfig
    from pos_desktop.container import Overrides, build_container
    from pos_desktop.ui.qt_app import build_window, first_run_setup
    from tests.conftest import FixedClock

    journey = Journey(qtbot, None, None, key_clock, None)
    opened: list = []

    def launch() -> None:  # as app.main does: setup first, then the till
        config = first_run_setup(TillConfig(data_dir=tmp_path / "till"), qapp)
        if config is None:
            raise AssertionError("the setup wizard was closed before the end")
        till = build_container(config, overrides=Overrides(clock=FixedClock()))
        window, wedge, _bridge = build_window(till, config, qapp, clock=key_clock)
        opened.append((till, window, wedge))
        qtbot.addWidget(window)
        window.resize(1280, 760)
        window.show()
        window.activateWindow()
        journey.attach(window, wedge, till)
        window.staff.start()  # the login dialog (modal): the journey goes on inside it

    journey.start = lambda: Step(launch, delay_ms=30)
    yield journey
    for till, window, wedge in opened:
        window.staff.idle.stop()
        qapp.removeEventFilter(window.staff)
        qapp.removeEventFilter(wedge)
        till.close()


@pytest.fixture
def fresh_journey(qtbot, qapp, till, sim_printer, key_clock):
    """The till window with nobody logged in; the journey starts it (``yield j.start()``)."""
    window, wedge = _open_window(qtbot, qapp, till, sim_printer, key_clock)
    window.staff.demo = False
    journey = Journey(qtbot, window, wedge, key_clock, till)
    journey.start = lambda: Step(window.staff.start, delay_ms=30)  # as run_qt does at start-up
    yield journey
    window.staff.idle.stop()
    qapp.removeEventFilter(window.staff)
    qapp.removeEventFilter(wedge)


class AppClient:
    """One app registered on the till's POS API, talking to it over real HTTP."""

    def __init__(self, service, server, worker, receiver, name: str = "Web shop") -> None:
        import httpx

        self.service, self.server, self.worker, self.receiver = service, server, worker, receiver
        self.key = service.register_app(name, receiver.prefix)
        self.http = httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {self.key.key}"}, timeout=5
        )

    def ask(self, **fields) -> str:
        """POST a payment request (defaults: 12.50 EUR by card or cash); returns its id."""
        body = {
            "amount_minor": 1250,
            "currency": "EUR",
            "payment_types": ["card", "cash"],
            "callback_url": self.receiver.prefix + "result",
            "app_id": self.key.app_id,
            "api_version": "1",
            "reference": "WEB-1001",
            "description": "Order 1001",
            **fields,
        }
        r = self.http.post("/v1/payment-requests", json=body)
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def close(self) -> None:
        self.http.close()
        self.server.stop()
        self.worker.stop()


@pytest.fixture
def api_journey(qtbot, qapp, till, sim_printer, key_clock):
    """``journey`` plus the POS API on loopback, the app switch and one app (``j.api``)."""
    sys.path.insert(0, str(Path(__file__).parents[1] / "integration"))
    from test_pos_api_support import CallbackReceiver

    from pos_desktop.local_api import ApiServer
    from pos_desktop.local_api.app import create_app
    from pos_desktop.services.callbacks import RetryPolicy

    # As app.main starts it (build_window then attaches the app switch), retrying faster.
    service = till.start_pos_api(retry=RetryPolicy(base_s=0.05, cap_s=0.2))
    worker = till.callback_worker
    server = ApiServer(create_app(service, till.parking), port=0).start()
    window, wedge = _open_window(qtbot, qapp, till, sim_printer, key_clock)
    window.staff.demo = True
    window.staff.start()
    window.pos_api_bridge.start()
    with CallbackReceiver() as receiver:
        journey = Journey(qtbot, window, wedge, key_clock, till)
        journey.api = AppClient(service, server, worker, receiver)
        yield journey
        journey.api.close()  # no more signals from the API thread before the window goes
    window.staff.idle.stop()
    qapp.removeEventFilter(window.staff)
    qapp.removeEventFilter(wedge)


@pytest.fixture
def journey(qtbot, qapp, till, sim_printer, key_clock):
    """The till as ``pos-desktop --demo`` starts: Demo Cashier logged in, a shift open."""
    window, wedge = _open_window(qtbot, qapp, till, sim_printer, key_clock)
    window.staff.demo = True
    window.staff.start()  # start-up, as run_qt schedules it; not a person's action
    yield Journey(qtbot, window, wedge, key_clock, till)
    window.staff.idle.stop()
    qapp.removeEventFilter(window.staff)
    qapp.removeEventFilter(wedge)


@pytest.fixture
def demo_journey(qtbot, qapp, tmp_path, sim_printer, key_clock):
    """The very first ``pos-desktop --demo`` run on a fresh data dir: the demo store is filled
    (promotions, vouchers GIFT-1000/GIFT-5000, 0.05 cash rounding) the way ``app.main`` does it,
    then Demo Cashier is logged in with a shift open."""
    from pos_desktop.app import prepare_demo
    from pos_desktop.config import PrinterConfig, TillConfig
    from pos_desktop.container import Overrides, build_container
    from tests.conftest import FixedClock

    config = TillConfig(data_dir=tmp_path, printer=PrinterConfig(uri=sim_printer.uri), demo=True)
    till = build_container(config, overrides=Overrides(clock=FixedClock()))
    prepare_demo(till, products=300)
    window, wedge = _open_window(qtbot, qapp, till, sim_printer, key_clock)
    window.staff.demo = True
    window.staff.start()
    yield Journey(qtbot, window, wedge, key_clock, till)
    window.staff.idle.stop()
    qapp.removeEventFilter(window.staff)
    qapp.removeEventFilter(wedge)
    till.close()


@pytest.fixture
def card_journey(request, qtbot, qapp, tmp_path, sim_printer, key_clock):
    """The demo till with a simulated Concert card terminal (approves after 0.2 s; parametrize
    indirectly with another behaviour, e.g. "silent": the answer never comes)."""
    from hardware.simulators.terminal_concert import SimulatedConcertTerminal
    from hardware.terminals.concert import ConcertTerminal
    from pos_desktop.config import PrinterConfig, TillConfig
    from pos_desktop.container import Overrides, build_container
    from pos_desktop.services.demo_data import write_demo_catalog
    from tests.conftest import FixedClock

    behaviour = getattr(request, "param", "approve")
    with SimulatedConcertTerminal(behaviour, delay_s=0.2) as terminal_sim:
        config = TillConfig(
            data_dir=tmp_path, printer=PrinterConfig(uri=sim_printer.uri), demo=True
        )
        timeout = 5.0 if behaviour == "approve" else 1.0
        terminal = ConcertTerminal(terminal_sim.uri, result_timeout=timeout, ack_timeout=1.0)
        till = build_container(config, overrides=Overrides(clock=FixedClock(), terminal=terminal))
        write_demo_catalog(till.db, 50)
        window, wedge = _open_window(qtbot, qapp, till, sim_printer, key_clock)
        window.staff.demo = True
        window.staff.start()
        yield Journey(qtbot, window, wedge, key_clock, till)
        window.staff.idle.stop()
        qapp.removeEventFilter(window.staff)
        qapp.removeEventFilter(wedge)
        till.close()
