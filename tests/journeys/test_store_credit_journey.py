"""Store credit: a cash sale is refunded onto a new gift card (Ctrl+R, F6), with the manager's
approval as for any refund; the slip shows the card's code and balance, and the cloud loads the
card when the refund's outbox event arrives."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from hardware.escpos_parse import parse_escpos
from pos_desktop.services.cloud_balances import ledger_event
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.approval_dialog import ApprovalDialog
from pos_desktop.ui.views.returns_view import ReturnsDialog
from tests.conftest import paper_jobs
from tests.journeys.test_gift_card_journey import cloud_balance, enrolled, journey_cloud, push

__all__ = ["enrolled", "journey_cloud"]  # fixtures shared with the gift-card journey
CTRL = Qt.KeyboardModifier.ControlModifier


def test_a_cash_sale_refunded_onto_a_new_gift_card(enrolled, journey, till, sim_printer):
    ledger_event(till.db, "gift_card.loaded", "GC-IN-USE", "EUR", 1000, till.clock.now())
    push(till)
    refunds = {}

    def sell(j, item, count):
        yield j.scan(demo_ean13(item))
        total = till.checkout.totals().total.amount_minor
        yield j.key(Qt.Key.Key_F5)  # exact cash
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == count, what="sale saved")
        return total

    def refund(j, choose_card):
        number = j.db_one("SELECT max(receipt_number) FROM sale")
        yield j.key(Qt.Key.Key_R, CTRL)
        returns = yield j.modal(ReturnsDialog)
        yield j.scan(f"RT01-{number:08d}")
        yield j.until(lambda: returns.sale is not None, what="receipt loaded")
        yield j.key(Qt.Key.Key_F5)  # return everything
        yield j.key(Qt.Key.Key_F6)  # ... onto a gift card: a new code is made
        yield j.until(lambda: returns.credit_code, what="a new code")
        assert returns.credit_code.startswith("SC-")
        assert returns.credit_code in returns.credit_label.text()
        assert "Store credit" in returns.plan_label.text()
        yield from choose_card(j, returns)
        code = returns.credit_code
        done = j.db_one("SELECT count(*) FROM refund")
        yield j.key(Qt.Key.Key_F12)  # the cashier needs a manager, as for any refund
        approval = yield j.modal(ApprovalDialog)
        assert f"onto gift card {code}" in approval.detail_text
        yield j.pin(approval, "9999")
        yield j.until(lambda: j.db_one("SELECT count(*) FROM refund") == done + 1, what="saved")
        yield j.closed(returns)
        assert f"loaded onto gift card {code}" in j.message()
        return code

    def generated(j, returns):
        yield j.wait(0)

    def scanned(j, returns):
        yield j.scan("GC-IN-USE")  # a card that already holds money is not store credit
        yield j.until(lambda: "already in use" in returns.message.text(), what="refused")
        yield j.scan("GC-CREDIT-NEW")  # a new card from the rack
        yield j.until(lambda: returns.credit_code == "GC-CREDIT-NEW", what="the card taken")

    def steps(j):
        first = yield from sell(j, 4, 1)
        code = yield from refund(j, generated)
        refunds[code] = first
        yield j.until(lambda: len(paper_jobs(sim_printer)) >= 2, what="refund slip")
        slip = parse_escpos(paper_jobs(sim_printer)[-1]).text
        assert "Onto a new gift card" in slip and code in slip and "Card balance" in slip
        second = yield from sell(j, 5, 2)
        code = yield from refund(j, scanned)
        refunds[code] = second
        kinds = [
            [t[1] for t in json.loads(detail)["tenders"]]
            for (detail,) in till.db.execute_sql("SELECT detail FROM refund").fetchall()
        ]
        assert kinds == [["gift_card"], ["gift_card"]]  # the cash stayed in the drawer ...
        assert j.db_one("SELECT count(*) FROM cash_ledger WHERE kind = 'refund'") == 0
        assert j.db_one("SELECT sum(amount_minor) FROM cash_ledger WHERE kind = 'sale'") == (
            first + second
        )  # ... so the X report expects it there

    journey.run(steps, timeout_s=90)
    push(till)
    for code, amount in refunds.items():
        assert cloud_balance(till, f"/v1/gift-cards/{code}") == amount
    assert cloud_balance(till, "/v1/gift-cards/GC-IN-USE") == 1000
