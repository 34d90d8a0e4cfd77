"""Paying with a gift card while the cloud is slow or away: the payment window keeps running,
and offline the till stops at the owner's total limit for all cards.

Between the till and the real cloud (loopback) sits a gate: a local HTTP server that accepts the
connection and holds the request (no answer) until the test opens it. While it holds, a timer
keeps ticking and Esc is handled; the outcome is right: a card the cloud never answered for is
refused, a redemption answered after Esc is given back, an answered one pays.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from PySide6.QtCore import Qt, QTimer

from pos_desktop.domain.payment import CheckoutSettings
from pos_desktop.services.cloud_balances import ledger_event
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.storage import sync_repo
from pos_desktop.storage.checkout_settings_repo import save_checkout_settings
from pos_desktop.ui.views.gift_card_dialog import GiftCardDialog
from pos_desktop.ui.views.tender_dialog import TenderDialog
from tests.journeys.test_gift_card_journey import (
    attach_cleo,
    cloud_balance,
    enrolled,
    journey_cloud,
    push,
)

__all__ = ["enrolled", "journey_cloud"]  # fixtures shared with the gift-card journey
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


class Gate:
    """A loopback HTTP server forwarding to ``target``; a request whose path contains one of
    ``hold`` is accepted and left unanswered until :meth:`open` (or forever)."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.hold: tuple[str, ...] = ()
        self.opened = threading.Event()
        self.closing = False
        self.held = 0  # requests held so far
        self.forwarded_late = 0
        gate = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                held = any(part in self.path for part in gate.hold)
                if held:
                    gate.held += 1
                    opened = gate.opened  # the gate open when this request came
                    if not opened.wait(60) or gate.closing:
                        return  # never answered
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")
                }
                answer = httpx.request(
                    self.command, gate.target + self.path, headers=headers, content=body
                )
                if held:
                    gate.forwarded_late += 1
                try:
                    self.send_response(answer.status_code)
                    self.send_header("Content-Type", answer.headers.get("content-type", ""))
                    self.send_header("Content-Length", str(len(answer.content)))
                    self.end_headers()
                    self.wfile.write(answer.content)
                except OSError:
                    pass  # the till stopped waiting and closed the connection

            do_GET = do_POST = _any

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.closing = True
        self.opened.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gate(enrolled, till):
    """The till talks to the cloud through a :class:`Gate`."""
    server, _cloud = enrolled
    gate = Gate(server.url)
    creds = sync_repo.load_credentials(till.db)
    sync_repo.save_credentials(till.db, replace(creds, cloud_url=gate.url))
    yield gate
    gate.close()


def load_card(till, code: str, amount: int) -> None:
    ledger_event(till.db, "gift_card.loaded", code, "EUR", amount, till.clock.now())
    push(till)


def test_the_payment_window_keeps_running_while_the_cloud_is_asked(gate, journey, till):
    load_card(till, "GC-WAIT-1", 3000)
    assert cloud_balance(till, "/v1/gift-cards/GC-WAIT-1") == 3000
    ticks: list[float] = []  # when the timer fired
    gaps_seen: list[float] = []  # the longest pause between two ticks in each wait
    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()

    def hold(j, tender):
        yield j.until(lambda: "Checking the card" in tender.message.text(), what="waiting")
        before = len(ticks)
        yield j.wait(600)
        assert len(ticks) >= before + 6, "the event loop stalled while the cloud was asked"
        gaps = [b - a for a, b in zip(ticks[before:], ticks[before + 1 :], strict=False)]
        gaps_seen.append(max(gaps))
        assert max(gaps) < 0.4, f"the window stood still for {max(gaps):.2f} s"

    def steps(j):
        yield j.scan(demo_ean13(1))
        total = till.checkout.totals().total.amount_minor
        assert total < 3000
        yield j.key(Qt.Key.Key_F1)
        tender = yield j.modal(TenderDialog)

        # 1. The cloud never answers the balance: Esc stops waiting, the window stays.
        gate.hold = ("/v1/gift-cards/",)
        yield j.scan("GC-WAIT-1")
        yield from hold(j, tender)
        assert not tender.buttons["cash"].isEnabled()  # nothing else while it waits
        yield j.key(Qt.Key.Key_Escape)
        yield j.until(lambda: "Stopped waiting" in tender.message.text(), what="Esc handled")
        assert tender.isVisible() and not tender.split.tenders
        assert tender.buttons["cash"].isEnabled()

        # ... and left to time out, the card is refused (no offline spending allowed).
        yield j.scan("GC-WAIT-1")
        yield from hold(j, tender)
        yield j.until(lambda: "cannot be reached" in tender.message.text(), timeout_s=15)
        assert not tender.split.tenders
        assert len(ticks) > 60  # four seconds and more of ticks

        # 2. The redemption is answered only after Esc: what the cloud took is given back.
        gate.hold, gate.opened = ("/redeem",), threading.Event()  # step 1's stay unanswered
        held = gate.held
        yield j.scan("GC-WAIT-1")
        yield j.until(lambda: gate.held == held + 1, what="the redemption held")
        yield from hold(j, tender)
        tender_id = j.db_one("SELECT entry_id FROM ledger_hold WHERE state = 'reserving'")
        yield j.key(Qt.Key.Key_Escape)
        yield j.until(lambda: "Stopped waiting" in tender.message.text(), what="Esc handled")
        assert not tender.split.tenders
        gate.opened.set()  # the cloud answers now: it takes the amount
        yield j.until(lambda: gate.forwarded_late == 1, what="the late answer")
        yield j.wait(300)  # the late answer reaches the window, which must not take it
        assert not tender.split.tenders
        assert j.db_one("SELECT state FROM ledger_hold WHERE entry_id = ?", (tender_id,)) == (
            "released"
        )
        assert cloud_balance(till, "/v1/gift-cards/GC-WAIT-1") == 3000 - total
        push(till)  # the release reaches the cloud: the card holds it all again
        assert cloud_balance(till, "/v1/gift-cards/GC-WAIT-1") == 3000

        # 3. Answered: the card pays the sale.
        gate.hold = ()
        yield j.scan("GC-WAIT-1")
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="paid")
        paid = j.db_one("SELECT amount_minor FROM payment WHERE tender = 'gift_card'")
        assert paid == total

    try:
        journey.run(steps, timeout_s=90)
    finally:
        timer.stop()
    print(f"longest pause of the window while the cloud was asked: {max(gaps_seen):.3f} s")
    assert cloud_balance(till, "/v1/gift-cards/GC-WAIT-1") == 3000 - total_paid(till)


def total_paid(till) -> int:
    return till.db.execute_sql("SELECT sum(amount_minor) FROM payment").fetchone()[0]


def test_offline_the_till_stops_at_its_total_limit_for_all_cards(enrolled, journey, till):
    server, _cloud = enrolled
    load_card(till, "GC-TILL-1", 3000)
    load_card(till, "GC-TILL-2", 3000)
    save_checkout_settings(
        till.db,
        CheckoutSettings(gift_card_offline_limit_minor=500, gift_card_offline_till_limit_minor=700),
    )
    till.reload_checkout_settings()

    def steps(j):
        for n in range(1, 20):  # enough on the sale for both cards and more
            yield j.scan(demo_ean13(n))
            if till.checkout.totals().total.amount_minor > 1000:
                break
        yield j.key(Qt.Key.Key_F1)
        tender = yield j.modal(TenderDialog)
        yield j.scan("GC-TILL-1")
        yield j.until(lambda: len(tender.split.tenders) == 1, what="5.00 offline", timeout_s=15)
        yield j.scan("GC-TILL-2")
        yield j.until(lambda: len(tender.split.tenders) == 2, what="2.00 offline", timeout_s=15)
        assert [t.amount_minor for t in tender.split.tenders] == [500, 200]
        yield j.scan("GC-TILL-3")
        yield j.until(lambda: "offline limit for all gift cards" in tender.message.text())
        assert "7.00" in tender.message.text() and len(tender.split.tenders) == 2
        yield j.key(Qt.Key.Key_F5)  # the rest in cash
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="paid")

    server.stop()
    try:
        journey.run(steps, timeout_s=60)
    finally:
        server.start()
    push(till)
    assert cloud_balance(till, "/v1/gift-cards/GC-TILL-2") == 2800


def test_the_balance_check_waits_without_freezing_and_esc_stops_it(gate, journey, till):
    load_card(till, "GC-WAIT-2", 1200)
    gate.hold = ("/v1/gift-cards/",)

    def steps(j):
        yield j.key(Qt.Key.Key_V, CTRL_SHIFT)
        dialog = yield j.modal(GiftCardDialog)
        yield j.scan("GC-WAIT-2")
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: "Checking the card" in dialog.message.text(), what="waiting")
        yield j.key(Qt.Key.Key_Escape)  # handled while the cloud says nothing
        yield j.until(lambda: "Stopped waiting" in dialog.message.text(), what="Esc handled")
        assert dialog.isVisible()
        gate.hold, gate.opened = (), threading.Event()
        yield j.key(Qt.Key.Key_F5)  # the worker is free again after the first call times out
        yield j.until(lambda: "holds" in dialog.message.text(), what="balance", timeout_s=15)
        assert "12.00" in dialog.message.text()
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)

    journey.run(steps, timeout_s=60)


def test_the_customers_points_are_asked_while_the_cashier_goes_on_scanning(gate, journey, till):
    """Attaching a customer asks the cloud for their points off the GUI thread: while the
    cloud holds the answer the cashier scans on and the status bar says the points are being
    asked; the answer then shows on the chip."""
    save_checkout_settings(till.db, CheckoutSettings(loyalty_points_per_unit=100))
    till.reload_checkout_settings()
    customer = till.customers.create("Cleo Park", phone="0171 555 0199")
    ledger_event(till.db, "loyalty.earned", customer.customer_id, "PTS", 420, till.clock.now())
    push(till)
    gate.hold = ("/points",)

    def steps(j):
        yield from attach_cleo(j)
        yield j.until(lambda: gate.held == 1, what="the points asked of the cloud")
        assert "Cleo Park" in j.window.customer_chip.text()
        assert "420" not in j.window.customer_chip.text()
        yield j.scan(demo_ean13(1))  # the window is not waiting for the cloud
        yield j.until(lambda: len(j.cart_names()) == 1, what="scanned while the cloud holds")
        gate.opened.set()
        yield j.until(
            lambda: "Cleo Park · 420 points" in j.window.customer_chip.text(),
            what="the points on the chip",
        )

    journey.run(steps, timeout_s=60)
