"""The app switch on screen: a real HTTP client asks the till, the cashier answers (pytest-qt),
a real receiver gets the signed result."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from hardware.simulators.terminal_concert import SimulatedConcertTerminal
from hardware.terminals.concert import ConcertTerminal
from pos_desktop.config import PrinterConfig, TillConfig
from pos_desktop.container import Overrides, build_container
from pos_desktop.services.callbacks import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_signature
from pos_desktop.services.demo_data import demo_ean13, write_demo_catalog
from pos_desktop.ui.qt_app import attach_pos_api, build_window
from pos_desktop.ui.views.pay_cash_dialog import PayCashDialog
from tests.conftest import FixedClock, open_test_shift
from tests.waits import EVENTUALLY_MS

sys.path.insert(0, str(Path(__file__).parents[1] / "integration"))
from test_pos_api_support import CallbackReceiver, request_body, start_api  # noqa: E402


@pytest.fixture
def terminal_sim():
    with SimulatedConcertTerminal("approve", delay_s=0.1) as sim:
        yield sim


@pytest.fixture
def receiver():
    with CallbackReceiver() as rec:
        yield rec


@pytest.fixture
def env(qtbot, qapp, tmp_path, sim_printer, terminal_sim, receiver):
    """The till window with the bridge, its API on loopback, one registered app."""
    config = TillConfig(data_dir=tmp_path, printer=PrinterConfig(uri=sim_printer.uri), demo=True)
    terminal = ConcertTerminal(terminal_sim.uri, result_timeout=5.0, ack_timeout=1.0)
    till = build_container(config, overrides=Overrides(clock=FixedClock(), terminal=terminal))
    write_demo_catalog(till.db, 20)
    open_test_shift(till)
    api = start_api(till)
    window, wedge, _ = build_window(till, config, qapp)
    qtbot.addWidget(window)
    bridge = attach_pos_api(window, api.service)
    bridge.start()
    window.show()
    key = api.service.register_app("Web shop", receiver.prefix)
    client = httpx.Client(
        base_url=api.url, headers={"Authorization": f"Bearer {key.key}"}, timeout=5
    )

    def ask(**over) -> str:
        r = client.post(
            "/v1/payment-requests", json=request_body(key.app_id, receiver.prefix, **over)
        )
        assert r.status_code == 201, r.text
        return r.json()["id"]

    yield dict(till=till, window=window, bridge=bridge, ask=ask, key=key, client=client, api=api)
    client.close()
    api.stop()  # no more signals from the API thread before the window goes
    qapp.removeEventFilter(wedge)
    timer = getattr(window, "status_timer", None)
    if timer is not None:  # the printer poll must not outlive the container
        timer.stop()
    window.close()
    till.close()


def when_dialog(kind, action):
    """Run ``action(dialog)`` once a modal dialog of ``kind`` is up (it may block in exec)."""

    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and action(dialog) is not False:
            return
        QTimer.singleShot(30, poll)

    QTimer.singleShot(30, poll)


def shown_dialog(qtbot, bridge):
    qtbot.waitUntil(
        lambda: bridge.dialog is not None and bridge.dialog.isVisible(), timeout=EVENTUALLY_MS
    )
    return bridge.dialog


def signed_result(qtbot, receiver, key) -> dict:
    qtbot.waitUntil(
        receiver.got_one.is_set, timeout=EVENTUALLY_MS
    )  # the GUI keeps running meanwhile
    got = receiver.received[-1]
    assert verify_signature(
        key.key, got.headers[TIMESTAMP_HEADER], got.body, got.headers[SIGNATURE_HEADER]
    )
    return got.json


def test_request_accept_pay_cash(qtbot, env, receiver, sim_printer):
    rid = env["ask"]()
    dialog = shown_dialog(qtbot, env["bridge"])
    assert (
        "Web shop" in dialog.windowTitle()
        and "WEB-1001" in dialog.findChildren(type(dialog.message))[2].text()
    )
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert env["till"].checkout.cart.totals().total.amount_minor == 1250
    when_dialog(PayCashDialog, lambda d: d._pay(d.total))
    qtbot.mouseClick(dialog.tender_buttons["cash"], Qt.MouseButton.LeftButton)
    result = signed_result(qtbot, receiver, env["key"])
    assert result["status"] == "approved" and result["tender"] == "cash"
    assert result["amount_minor"] == 1250 and result["receipt_number"] == 1
    assert result["reference"] == "WEB-1001" and result["request_id"] == rid
    assert env["bridge"].dialog is None and env["till"].checkout.cart.is_empty
    line = (
        env["till"].db.execute_sql("SELECT name, tax_code, amount_minor FROM sale_line").fetchone()
    )
    assert line == ("Web shop: WEB-1001 (Order 1001)", "X", 1250)
    assert env["client"].get(f"/v1/payment-requests/{rid}").json()["status"] == "approved"
    qtbot.waitUntil(lambda: len(sim_printer.jobs) == 1, timeout=EVENTUALLY_MS)


def test_request_accept_pay_card(qtbot, env, receiver, terminal_sim):
    env["ask"](amount_minor=4200)
    dialog = shown_dialog(qtbot, env["bridge"])
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.tender_buttons["card"], Qt.MouseButton.LeftButton)
    result = signed_result(qtbot, receiver, env["key"])
    assert result["status"] == "approved" and result["tender"] == "card"
    assert result["last4"] == "7892" and result["card_brand"] and "auth_code" in result
    assert terminal_sim.requests[0].amount_minor == 4200
    assert env["till"].db.execute_sql("SELECT status FROM card_payment").fetchone()[0] == "approved"


def test_decline(qtbot, env, receiver):
    env["ask"]()
    dialog = shown_dialog(qtbot, env["bridge"])
    qtbot.mouseClick(dialog.decline_button, Qt.MouseButton.LeftButton)
    assert signed_result(qtbot, receiver, env["key"])["status"] == "declined"
    assert env["till"].sales.count() == 0 and env["bridge"].dialog is None


def test_give_up_after_accepting_empties_the_cart(qtbot, env, receiver):
    env["ask"]()
    dialog = shown_dialog(qtbot, env["bridge"])
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.decline_button, Qt.MouseButton.LeftButton)
    assert signed_result(qtbot, receiver, env["key"])["status"] == "declined"
    assert env["till"].checkout.cart.is_empty and env["till"].sales.count() == 0


def test_app_cancels_while_the_dialog_shows(qtbot, env, receiver):
    rid = env["ask"]()
    shown_dialog(qtbot, env["bridge"])
    assert env["client"].delete(f"/v1/payment-requests/{rid}").status_code == 200
    qtbot.waitUntil(lambda: env["bridge"].dialog is None, timeout=EVENTUALLY_MS)
    assert signed_result(qtbot, receiver, env["key"])["status"] == "cancelled"
    assert "cancelled" in env["window"].checkout_view.message.text()


def test_request_waits_for_the_sale_in_progress(qtbot, env, receiver):
    view = env["window"].checkout_view
    view.add_code(demo_ean13(1))
    env["ask"]()
    bridge = env["bridge"]
    qtbot.waitUntil(lambda: bridge.banner.isVisible(), timeout=EVENTUALLY_MS)
    assert "Payment request from Web shop waiting" in bridge.banner.label.text()
    assert bridge.dialog is None and view.model.rowCount() == 1  # the sale is untouched
    view.complete_cash(env["till"].checkout.totals().total)
    dialog = shown_dialog(qtbot, bridge)
    assert not bridge.banner.isVisible() and dialog.row.amount_minor == 1250
    assert env["till"].sales.count() == 1


def test_single_payment_type_goes_straight_to_it(qtbot, env, receiver):
    env["ask"](payment_types=["cash"])
    dialog = shown_dialog(qtbot, env["bridge"])
    when_dialog(PayCashDialog, lambda d: d._pay(d.total))
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    result = signed_result(qtbot, receiver, env["key"])
    assert result["status"] == "approved" and result["tender"] == "cash"
