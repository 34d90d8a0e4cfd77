"""A real till that still has a customer merged away in the cloud (SQLite and PostgreSQL): it
attached the duplicate offline and sold with it; once back, the sale and its points land on
the customer kept, and the till shows and spends the kept customer's points with the old id."""

from __future__ import annotations

import pytest
from sync_helpers import creds, make_till, running_cloud

from pos_desktop.domain.money import Money
from pos_desktop.domain.payment import CheckoutSettings
from pos_desktop.services.demo_data import write_demo_catalog
from pos_desktop.storage import outbox
from pos_desktop.storage.checkout_settings_repo import save_checkout_settings
from pos_desktop.sync.client import CloudClient
from pos_desktop.sync.push import Pusher
from tests.conftest import open_test_shift


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def merge_cloud(request):
    yield from running_cloud(request.param)


@pytest.fixture
def two_tills(merge_cloud, ram_path):
    server, cloud = merge_cloud
    store = cloud.store("EUR")
    tills = [
        make_till(ram_path / name, server.url, cloud.code(store), name)
        for name in ("Lane 1", "Lane 2")
    ]
    for till in tills:
        open_test_shift(till)
        write_demo_catalog(till.db, 5)
        save_checkout_settings(till.db, CheckoutSettings(loyalty_points_per_unit=10))
        till.reload_checkout_settings()
    yield server, cloud, store, tills
    for till in tills:
        till.close()


def push(till) -> None:
    c = creds(till)
    with CloudClient(c.cloud_url, c.token) as client:
        result = Pusher(till.db, client).push_pending()
    assert not outbox.pending(till.db), result


def sell_to(till, customer_id: str, sku: str):
    """A cash sale with the customer attached; the points it earns."""
    till.customers.attach(customer_id)
    assert till.checkout.scan(sku).ok
    total = till.checkout.totals().total.amount_minor
    sale = till.checkout.pay_cash(Money(total, "EUR"))
    return sale, total * 10 // 100


def test_a_sale_with_the_duplicate_attached_offline_lands_on_the_customer_kept(two_tills):
    server, cloud, store, (one, two) = two_tills
    kept = one.customers.create("Ada Lovelace", email="ada@example.com").customer_id
    dup = two.customers.create("Ada Lovelace", email="ada@example.com").customer_id
    _, earned_kept = sell_to(one, kept, "SKU0000001")
    _, earned_dup = sell_to(two, dup, "SKU0000002")
    push(one)
    push(two)
    base = f"/v1/admin/stores/{store}/customers"
    # the same e-mail: the cloud merged lane 2's record into lane 1's as it arrived
    assert cloud.admin.get(f"{base}/{dup}/export").json()["customer"]["merged_into"] == kept

    server.stop()  # lane 2 is offline: it still has the duplicate and sells to it
    try:
        late, earned_late = sell_to(two, dup, "SKU0000003")
    finally:
        server.start()
    assert earned_late > 0
    push(two)

    export = cloud.admin.get(f"{base}/{kept}/export").json()
    assert late.sale_id in [s["sale_id"] for s in export["sales"]] and len(export["sales"]) == 3
    total = earned_kept + earned_dup + earned_late
    assert export["points"]["balance"] == total
    assert cloud.admin.get(f"{base}/{dup}/export").json()["sales"] == []

    # lane 2 asks and spends with the old id: the customer kept's points answer
    shown = two.loyalty.balance(dup)
    assert (shown.confirmed, shown.pending) == (total, 0)
    two.customers.attach(dup)
    assert two.checkout.scan("SKU0000004").ok
    split = two.checkout.new_tender()
    spent = two.loyalty.points_of(two.loyalty.take(split))
    assert 0 < spent <= total
    split.add_cash(Money(split.cash_due_minor, "EUR"))
    paid = two.checkout.complete_split(split)
    push(two)
    points = cloud.admin.get(f"{base}/{kept}/export").json()["points"]
    assert [e["amount"] for e in points["entries"] if e["kind"] == "redeem"] == [-spent]
    earned = [e["amount"] for e in points["entries"] if e["sale_id"] == paid.sale_id]
    assert points["balance"] == total - spent + sum(earned)
