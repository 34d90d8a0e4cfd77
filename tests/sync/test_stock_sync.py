"""Stock between two stores over a real cloud (SQLite and PostgreSQL), through the tills' own
services, outboxes and feeds: store A sells, receives, writes off and sends goods to store B;
B's till hears of the transfer on its feed and receives it; both tills then see the cloud's
on-hand figures."""

from __future__ import annotations

from decimal import Decimal

from sync_helpers import cloud_fixture, creds, make_till, seed_catalog, sell

from pos_desktop.domain.staff import Action
from pos_desktop.services.goods_receipts import GoodsReceiptService
from pos_desktop.services.stock_moves import TRANSFER_OUT, WASTE, StockMoveService
from pos_desktop.storage.stock_repo import on_hand
from pos_desktop.sync.client import CloudClient
from pos_desktop.sync.pull import Puller
from pos_desktop.sync.push import Pusher
from tests.approvals import approval

sqlite_stock_cloud = cloud_fixture("sqlite")
postgres_stock_cloud = cloud_fixture("postgres")


def _sync(till) -> None:
    c = creds(till)
    with CloudClient(c.cloud_url, c.token) as client:
        Pusher(till.db, client).push_pending()
        Puller(till.db, client).pull_all()


def _moves(till) -> StockMoveService:
    return StockMoveService(till.db, till.checkout, till.clock, till.settings.terminal_id)


def _two_stores(server, cloud, ram_path) -> None:
    store_a, store_b = cloud.store("EUR"), cloud.store("EUR")
    gtins = seed_catalog(store_a, 3)
    seed_catalog(store_b, 3)
    a = make_till(ram_path / "a", server.url, cloud.code(store_a), "A1")
    b = make_till(ram_path / "b", server.url, cloud.code(store_b), "B1")
    order = cloud.admin.post(f"/v1/admin/stores/{store_a}/purchase-orders", json={
        "supplier": "Dairy Ltd", "lines": [{"sku": "S1", "quantity": "10"}]})  # fmt: skip
    assert order.status_code == 201, order.text
    try:
        _sync(a), _sync(b)
        receipts = GoodsReceiptService(a.db, a.checkout, a.clock, a.settings.terminal_id)
        [open_order] = receipts.open_orders()  # from the purchase_orders feed
        assert (open_order.supplier, open_order.outstanding) == ("Dairy Ltd", (("S1", 10, None),))
        token = approval(a.auth, Action.RECEIVE_GOODS)
        receipts.post(receipts.start("Manager", approval=token, purchase_order=open_order))
        sell(a, gtins[0])
        moves = _moves(a)
        waste = moves.start(WASTE, "Manager", reason="DAMAGED")
        moves.scan(waste, gtins[0])
        moves.scan(waste, gtins[0])
        moves.post(waste, approval=approval(a.auth, Action.WRITE_OFF_STOCK, waste))
        assert [name for _, name in moves.other_stores()] == ["Shop"]
        [(store_b_id, _)] = [s for s in moves.other_stores() if s[0] == store_b]
        sent = moves.start(TRANSFER_OUT, "Manager", other_store_id=store_b_id)
        moves.set_line(sent, "S1", "3", name="Cloud item 1")
        moves.post(sent, approval=approval(a.auth, Action.TRANSFER_STOCK))
        _sync(a)
        assert on_hand(a.db, "S1").quantity == Decimal(10 - 1 - 2 - 3)
        assert receipts.open_orders() == []  # received in full: the cloud closed it

        _sync(b)
        incoming = _moves(b).incoming()
        assert [(t.from_store, t.lines) for t in incoming] == [("Shop", (("S1", Decimal(3)),))]
        received = _moves(b).receive(incoming[0].transfer_id, "Manager B")
        _moves(b).post(received, approval=approval(b.auth, Action.TRANSFER_STOCK))
        _sync(b)
        assert on_hand(b.db, "S1").quantity == Decimal(3)
        assert _moves(b).incoming() == []  # the cloud took it off the list
    finally:
        a.close()
        b.close()
    levels = cloud.admin.get(f"/v1/admin/stores/{store_a}/transfers").json()
    assert [(t["status"], t["direction"]) for t in levels] == [("received", "out")]


def test_stock_between_two_stores_sqlite(sqlite_stock_cloud, ram_path):
    _two_stores(*sqlite_stock_cloud, ram_path)


def test_stock_between_two_stores_postgres(postgres_stock_cloud, ram_path):
    _two_stores(*postgres_stock_cloud, ram_path)
