"""On hand at the till: the cloud's figure less this till's sales not yet synced."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from pos_desktop.domain.cart import Cart
from pos_desktop.domain.money import Money
from pos_desktop.domain.payment import Payment
from pos_desktop.domain.sale import sale_from_cart
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.storage import outbox
from pos_desktop.storage.stock_repo import on_hand


def sell(till, code: str, times: int = 1) -> None:
    """A sale stored as the checkout stores it (sale, lines, journal, outbox event)."""
    cart = Cart("EUR", prices_include_tax=True)
    item = till.catalog.find_by_gtin(code.zfill(14))
    cart.add(item, times)
    total = Money(item.unit_price_minor * times, "EUR")
    sale = sale_from_cart(
        cart,
        (Payment("cash", total, total, Money(0, "EUR")),),
        terminal_id=till.settings.terminal_id,
        completed_at=datetime(2026, 11, 26, 10, tzinfo=UTC),
    )
    till.sales.save_completed(sale)


def test_on_hand_is_the_feed_less_unsynced_sales(till):
    db = till.db
    assert on_hand(db, "SKU0000001").quantity is None  # no figure from the cloud yet
    db.execute_sql(
        "INSERT INTO stock_level (sku, quantity, updated_at) VALUES ('SKU0000001', '12', "
        "'2026-11-26T09:00:00Z')"
    )
    sell(till, demo_ean13(1), times=2)
    figure = on_hand(db, "SKU0000001")
    assert (figure.cloud_quantity, figure.sold_unsynced, figure.quantity) == (
        Decimal(12),
        Decimal(2),
        Decimal(10),
    )
    for event in outbox.pending(db):  # the cloud took the sale: its figure includes it
        db.execute_sql("UPDATE outbox SET status = 'sent' WHERE seq = ?", (event.seq,))
    assert on_hand(db, "SKU0000001").sold_unsynced == 0


def test_on_hand_counts_this_tills_unsynced_receipts_waste_and_transfers(till):
    from pos_desktop.domain.staff import Action
    from pos_desktop.services.goods_receipts import GoodsReceiptService
    from pos_desktop.services.stock_moves import WASTE, StockMoveService
    from tests.approvals import approval

    db, terminal = till.db, till.settings.terminal_id
    db.execute_sql(
        "INSERT INTO stock_level (sku, quantity, updated_at) VALUES ('SKU0000001', '5', "
        "'2026-11-26T09:00:00Z')"
    )
    receipts = GoodsReceiptService(db, till.checkout, till.clock, terminal)
    receipt = receipts.start("Manager", approval=approval(till.auth, Action.RECEIVE_GOODS))
    receipts.set_line(receipt, "SKU0000001", "12")
    receipts.post(receipt)
    moves = StockMoveService(db, till.checkout, till.clock, terminal)
    waste = moves.start(WASTE, "Manager", reason="EXPIRED")
    moves.set_line(waste, "SKU0000001", "0.5")
    moves.post(waste, approval=approval(till.auth, Action.WRITE_OFF_STOCK, waste))
    figure = on_hand(db, "SKU0000001")
    assert (figure.moved_unsynced, figure.quantity) == (Decimal("11.5"), Decimal("16.5"))
    for event in outbox.pending(db):  # the cloud took them: its figure includes them
        db.execute_sql("UPDATE outbox SET status = 'sent' WHERE seq = ?", (event.seq,))
    assert on_hand(db, "SKU0000001").quantity == Decimal(5)


def test_low_stock_comes_with_the_feed_and_the_migration_runs_again(till):
    from importlib import import_module

    from pos_desktop.storage import stock_repo, sync_repo

    db = till.db
    rows = [
        {"op": "upsert", "id": "SKU0000001", "data": {"sku": "SKU0000001", "quantity": "3",
                                                      "low": True}},
        {"op": "upsert", "id": "NOT-IN-CATALOGUE", "data": {"sku": "NOT-IN-CATALOGUE",
                                                            "quantity": "0", "low": True}},
        {"op": "upsert", "id": "SKU0000002", "data": {"sku": "SKU0000002", "quantity": "9"}},
    ]  # fmt: skip
    with db.atomic():
        sync_repo.apply_stock(db, rows, datetime(2026, 12, 1, tzinfo=UTC))
    milk = db.execute_sql("SELECT name FROM product WHERE sku = 'SKU0000001'").fetchone()[0]
    expected = sorted([("NOT-IN-CATALOGUE", "NOT-IN-CATALOGUE"), ("SKU0000001", milk)],
                      key=lambda r: (r[1], r[0]))  # fmt: skip
    assert stock_repo.low_skus(db) == expected  # by name; an unknown sku named by itself
    import_module("pos_desktop.storage.migrations.m0035_low_stock").upgrade(db)  # again: no-op
    assert stock_repo.low_skus(db) == expected
    shown = {item.sku: item.on_hand for item in till.goods_receipts.low_stock()}
    assert shown == {"NOT-IN-CATALOGUE": Decimal(0), "SKU0000001": Decimal(3)}
