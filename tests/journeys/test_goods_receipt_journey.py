"""A manager receives a delivery at the till: supplier, scans, a quantity and cost typed, post."""

import json

from PySide6.QtCore import Qt

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.goods_receipt_dialog import GoodsReceiptDialog

from .test_approvals_journey import switch_to

RECEIVE_KEY = (
    Qt.Key.Key_G,
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
)


def test_receive_a_delivery_and_post_it(journey, till):
    def steps(j):
        yield from switch_to(j, "Demo Manager", "9999")
        yield j.key(*RECEIVE_KEY)
        dialog = yield j.modal(GoodsReceiptDialog)
        yield j.click(dialog.supplier)
        yield j.type("Dairy Ltd")
        yield j.click(dialog.entry)
        yield j.scan(demo_ean13(1))
        yield j.scan(demo_ean13(1))
        assert dialog.table.item(0, 1).text() == "2"
        yield j.type("24@0.85")
        yield j.key(Qt.Key.Key_Return)
        assert [dialog.table.item(0, c).text() for c in range(3)] == ["Whole milk 1L", "24", "0.85"]
        assert j.cart_names() == []  # the scans never reached the cart
        yield j.click(j.button(dialog, "Post receipt"))
        yield j.closed(dialog)
        assert "1 products posted" in j.message()

    journey.run(steps)
    payload = json.loads(till.db.execute_sql(
        "SELECT payload FROM outbox WHERE type = 'goods.received'").fetchone()[0])  # fmt: skip
    assert payload["supplier"] == "Dairy Ltd"
    assert payload["lines"] == [{"sku": "SKU0000001", "quantity": "24", "unit_cost_minor": 85}]


def test_receive_part_of_a_purchase_order(journey, till):
    import datetime as dt

    from pos_desktop.storage import sync_repo

    with till.db.atomic():  # what the cloud's ``purchase_orders`` feed gives the till
        sync_repo.apply_purchase_orders(till.db, [{"op": "upsert", "id": "po-1", "data": {
            "number": 7, "supplier": "Dairy Ltd", "expected_date": "2026-12-05", "lines": [
                {"sku": "SKU0000001", "ordered": "24", "received": "0", "unit_cost_minor": 85},
                {"sku": "SKU0000003", "ordered": "6", "received": "2", "unit_cost_minor": None},
            ]}}], dt.datetime(2026, 12, 1, tzinfo=dt.UTC))  # fmt: skip

    def steps(j):
        yield from switch_to(j, "Demo Manager", "9999")
        yield j.key(*RECEIVE_KEY)
        dialog = yield j.modal(GoodsReceiptDialog)
        yield j.choose(dialog.order, "PO 7 - Dairy Ltd, due 2026-12-05")
        rows = [[dialog.table.item(r, c).text() for c in range(3)] for r in range(2)]
        assert rows[0] == ["Whole milk 1L", "24", "0.85"]  # what is still to come
        assert rows[1][1:] == ["4", "-"]
        assert dialog.supplier.text() == "Dairy Ltd"
        yield j.tap_row(dialog.table, 1)
        yield j.click(dialog.entry)
        yield j.type("3")  # one short: the line stays open in the cloud
        yield j.key(Qt.Key.Key_Return)
        assert dialog.table.item(1, 1).text() == "3"
        yield j.click(j.button(dialog, "Post receipt"))
        yield j.closed(dialog)
        # The order is still open here, with what this till has not received.
        yield j.key(*RECEIVE_KEY)
        again = yield j.modal(GoodsReceiptDialog)
        yield j.choose(again.order, "PO 7 - Dairy Ltd, due 2026-12-05")
        assert [again.table.item(0, c).text() for c in range(2)][1] == "1"
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(again)

    journey.run(steps)
    payload = json.loads(till.db.execute_sql(
        "SELECT payload FROM outbox WHERE type = 'goods.received'").fetchone()[0])  # fmt: skip
    assert payload["purchase_order_id"] == "po-1"
    assert payload["lines"] == [
        {"sku": "SKU0000001", "quantity": "24", "unit_cost_minor": 85},
        {"sku": "SKU0000003", "quantity": "3", "unit_cost_minor": None},
    ]


def test_the_manager_sees_what_is_low_on_stock(journey, till):
    import datetime as dt

    from pos_desktop.storage import sync_repo

    with till.db.atomic():  # what the cloud's ``stock`` feed gives the till after its check
        sync_repo.apply_stock(till.db, [
            {"op": "upsert", "id": "SKU0000001", "data": {"sku": "SKU0000001", "quantity": "4",
                                                          "low": True}},
            {"op": "upsert", "id": "SKU0000003", "data": {"sku": "SKU0000003", "quantity": "1.5",
                                                          "low": True}},
            {"op": "upsert", "id": "SKU0000002", "data": {"sku": "SKU0000002", "quantity": "80"}},
        ], dt.datetime(2026, 12, 1, tzinfo=dt.UTC))  # fmt: skip
    query = "SELECT sku, name FROM product WHERE sku IN ('SKU0000001', 'SKU0000003')"
    names = dict(till.db.execute_sql(query).fetchall())

    def steps(j):
        yield from switch_to(j, "Demo Manager", "9999")
        yield j.key(*RECEIVE_KEY)
        dialog = yield j.modal(GoodsReceiptDialog)
        text = dialog.low_stock.text()
        assert text.startswith("2 products are low on stock"), text
        assert f"{names['SKU0000001']} (4)" in text and f"{names['SKU0000003']} (1.5)" in text
        assert "(80)" not in text
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)

    journey.run(steps)
    # Back above its reorder point: the next feed row comes without ``low``.
    with till.db.atomic():
        row = {"op": "upsert", "id": "SKU0000003", "data": {"sku": "SKU0000003", "quantity": "40"}}
        sync_repo.apply_stock(till.db, [row], dt.datetime(2026, 12, 2, tzinfo=dt.UTC))

    def again(j):
        yield j.key(*RECEIVE_KEY)
        dialog = yield j.modal(GoodsReceiptDialog)
        assert dialog.low_stock.text().startswith("1 product is low on stock"), (
            dialog.low_stock.text()
        )
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)

    journey.run(again)
