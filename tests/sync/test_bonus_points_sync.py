"""A bonus-points promotion made in the web back office reaches a real till through the
``promotions`` feed; a sale to a customer earns its bonus in the cloud's ledger and a refund
takes it back (a real cloud on loopback, SQLite and PostgreSQL; a demo till enrolled through
the CLI code path with its own SyncWorker)."""

from __future__ import annotations

import pytest
from sync_helpers import cloud_fixture, make_till, seed_catalog, wait_until

from pos_desktop.domain.money import Money
from pos_desktop.domain.payment import CheckoutSettings
from pos_desktop.domain.refund import ReturnItem
from pos_desktop.domain.staff import Action
from pos_desktop.storage.checkout_settings_repo import save_checkout_settings
from pos_desktop.sync.worker import SyncWorker
from tests.approvals import approval
from tests.cloud.backoffice_helpers import page_csrf, set_up_and_sign_in
from tests.conftest import open_test_shift
from tests.sync.test_gift_cards_loyalty import push

sqlite_bonus_cloud = cloud_fixture("sqlite")
postgres_bonus_cloud = cloud_fixture("postgres")


def _bonus_points_reach_the_ledger(server, cloud, ram_path) -> None:
    store = cloud.store("EUR")
    s1, s2 = seed_catalog(store, 2, price=250)  # S1, S2 at 2.50
    owner, _ = set_up_and_sign_in(server.url)
    till = make_till(ram_path / "till", server.url, cloud.code(store))
    save_checkout_settings(till.db, CheckoutSettings(loyalty_points_per_unit=10))
    till.reload_checkout_settings()
    worker = SyncWorker(till.config.database_path, long_poll_wait=5, backoff_cap=0.5)
    worker.start()
    try:
        open_test_shift(till)
        assert wait_until(lambda: till.catalog.find_by_gtin(s2.zfill(14)) is not None)
        r = owner.post(
            f"/app/stores/{store}/promotions",
            data={
                "name": "S1 double points +50",
                "kind": "BonusPoints",
                "multiplier": "2",
                "extra_points": "50",
                "skus": "S1",
                "starts": "2026-11-26",  # the till's business day (its clock)
                "ends": "2026-11-26",
                "csrf_token": page_csrf(owner),
            },
        )
        assert r.status_code == 303, r.text[-500:]
        assert wait_until(
            lambda: till.db.execute_sql("SELECT COUNT(*) FROM promotion").fetchone()[0] == 1
        )
        till.checkout.promotions.invalidate()
        customer = till.customers.create("Ada Lovelace", email="ada@example.com")
        for gtin in (s1, s1, s2):
            assert till.checkout.scan(gtin).ok
        till.customers.attach(customer.customer_id)
        assert till.checkout.totals().total.amount_minor == 750  # no price change
        sale = till.checkout.pay_cash(Money(750, "EUR"))
        # 2 x S1 at x2 and 1 x S2: 12.50 weighted, 10 points per 1.00: 125; +50 per S1: 225
        assert till.loyalty.earned_on(sale.sale_id) == 225
        push(till)  # the outbox goes up as the till's pusher sends it
        assert till.loyalty.balance(customer.customer_id).confirmed == 225
        items = [ReturnItem(ln.line_id, ln.quantity) for ln in sale.lines]
        till.returns.refund(sale, items, approval=approval(till.auth, Action.REFUND, sale.sale_id))
        push(till)
        assert till.loyalty.balance(customer.customer_id).confirmed == 0
    finally:
        assert worker.stop(timeout=10)
        till.close()


def test_bonus_points_reach_the_ledger_sqlite(sqlite_bonus_cloud, ram_path):
    _bonus_points_reach_the_ledger(*sqlite_bonus_cloud, ram_path)


@pytest.mark.postgres
def test_bonus_points_reach_the_ledger_postgres(postgres_bonus_cloud, ram_path):
    _bonus_points_reach_the_ledger(*postgres_bonus_cloud, ram_path)
