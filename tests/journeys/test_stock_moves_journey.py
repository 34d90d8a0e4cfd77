"""Waste written off with a manager's approval, goods sent to another store, a transfer
received from one: by input events only (issue 19)."""

import datetime as dt
import json

from PySide6.QtCore import Qt

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.storage import sync_repo
from pos_desktop.ui.views.approval_dialog import ApprovalDialog
from pos_desktop.ui.views.stock_move_dialog import StockMoveDialog

from .test_approvals_journey import switch_to

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
TRANSFER = "7b1e0c8a-3f0e-4d7e-9a55-1c2d3e4f5a6b"


def _outbox(till, type_):
    rows = till.db.execute_sql("SELECT payload FROM outbox WHERE type = ?", (type_,)).fetchall()
    return [json.loads(r[0]) for r in rows]


def test_a_cashier_writes_off_expired_milk_and_a_manager_approves(journey, till):
    def steps(j):
        yield j.key(Qt.Key.Key_W, CTRL_SHIFT)
        dialog = yield j.modal(StockMoveDialog)
        yield j.choose(dialog.choice, "Past its date")
        yield j.click(dialog.entry)
        yield j.scan(demo_ean13(1))
        yield j.type("3")
        yield j.key(Qt.Key.Key_Return)
        assert [dialog.table.item(0, c).text() for c in range(2)] == ["Whole milk 1L", "3"]
        assert j.cart_names() == []  # the scan never reached the cart
        yield j.click(j.button(dialog, "Write off"))
        approval = yield j.modal(ApprovalDialog)
        names = [approval.approver.itemData(i) for i in range(approval.approver.count())]
        assert names == ["Demo Manager"]  # the cashier may not write off alone
        assert "Whole milk 1L x 3" in approval.detail_text
        yield j.pin(approval, "9999")
        yield j.closed(approval)
        yield j.closed(dialog)
        assert "Stock written off: 1 products posted" in j.message()

    journey.run(steps)
    [payload] = _outbox(till, "stock.wasted")
    assert payload["reason"] == "expired" and payload["reason_code"] == "EXPIRED"
    assert payload["approved_by"] == "Demo Manager"
    assert payload["lines"] == [{"sku": "SKU0000001", "quantity": "3"}]


def test_a_refused_approval_writes_nothing_off(journey, till):
    def steps(j):
        yield j.key(Qt.Key.Key_W, CTRL_SHIFT)
        dialog = yield j.modal(StockMoveDialog)
        yield j.click(dialog.entry)
        yield j.scan(demo_ean13(3))
        yield j.click(j.button(dialog, "Write off"))
        approval = yield j.modal(ApprovalDialog)
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(approval)
        assert "Not approved" in dialog.message.text()
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)

    journey.run(steps)
    assert _outbox(till, "stock.wasted") == []


def test_a_manager_sends_goods_to_another_store(journey, till):
    with till.db.atomic():  # what the cloud's ``stores`` feed gives the till
        sync_repo.apply_stores(till.db, [
            {"op": "upsert", "id": "store-b", "data": {"name": "Harbour Street"}},
            {"op": "upsert", "id": "store-c", "data": {"name": "Old Town"}},
        ], NOW)  # fmt: skip

    def steps(j):
        yield from switch_to(j, "Demo Manager", "9999")
        yield j.key(Qt.Key.Key_T, CTRL_SHIFT)
        dialog = yield j.modal(StockMoveDialog)
        yield j.choose(dialog.choice, "Old Town")
        yield j.click(dialog.entry)
        yield j.scan(demo_ean13(3))
        yield j.scan(demo_ean13(3))
        yield j.scan(demo_ean13(1))
        yield j.click(j.button(dialog, "Send"))
        yield j.closed(dialog)
        assert "Stock sent: 2 products posted" in j.message()

    journey.run(steps)
    [payload] = _outbox(till, "stock.transfer_sent")
    assert payload["to_store_id"] == "store-c"
    assert sorted((ln["sku"], ln["quantity"]) for ln in payload["lines"]) == [
        ("SKU0000001", "1"), ("SKU0000003", "2")]  # fmt: skip
    assert len(payload["transfer_id"]) == 36


def test_a_manager_receives_a_transfer_with_one_item_missing(journey, till):
    with till.db.atomic():  # what the cloud's ``transfers`` feed gives the till
        sync_repo.apply_transfers(till.db, [{"op": "upsert", "id": TRANSFER,
            "data": {"from_store": "Harbour Street", "sent_at": "2026-11-30T16:00:00",
                     "lines": [{"sku": "SKU0000001", "quantity": "6"},
                               {"sku": "SKU0000003", "quantity": "2"}]}}], NOW)  # fmt: skip

    def steps(j):
        yield from switch_to(j, "Demo Manager", "9999")
        yield j.key(Qt.Key.Key_I, CTRL_SHIFT)
        dialog = yield j.modal(StockMoveDialog)
        assert dialog.choice.currentText().startswith("From Harbour Street: 8")
        rows = [[dialog.table.item(r, c).text() for c in range(2)] for r in range(2)]
        assert rows == [["Whole milk 1L", "6"], [rows[1][0], "2"]]  # as sent
        yield j.tap_row(dialog.table, 0)
        yield j.click(dialog.entry)
        yield j.type("5")  # one bottle broke on the way
        yield j.key(Qt.Key.Key_Return)
        assert dialog.table.item(0, 1).text() == "5"
        yield j.click(j.button(dialog, "Receive"))
        yield j.closed(dialog)
        assert "Stock received: 2 products posted" in j.message()
        # Received: no longer offered.
        yield j.key(Qt.Key.Key_I, CTRL_SHIFT)
        again = yield j.modal(StockMoveDialog)
        assert again.choice.count() == 0
        assert "No transfer is on its way" in again.message.text()
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(again)

    journey.run(steps)
    [payload] = _outbox(till, "stock.transfer_received")
    assert payload["transfer_id"] == TRANSFER
    assert payload["lines"] == [{"sku": "SKU0000001", "quantity": "5"},
                                {"sku": "SKU0000003", "quantity": "2"}]  # fmt: skip


def test_transfers_are_for_a_manager(journey):
    def steps(j):
        yield j.key(Qt.Key.Key_T, CTRL_SHIFT)
        yield j.wait(50)
        assert "Transfers are for a manager" in j.message()

    journey.run(steps)
