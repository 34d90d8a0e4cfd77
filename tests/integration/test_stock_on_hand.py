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
