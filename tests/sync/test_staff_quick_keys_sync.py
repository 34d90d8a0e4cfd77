"""Till users and quick keys set in the web back office reach a real till through its sync.

A real cloud under uvicorn on 127.0.0.1 (SQLite and PostgreSQL), the owner's browser-like
client on its pages, and a demo till enrolled through the CLI code path with its own
SyncWorker long-polling the feeds, as in a shop.
"""

from __future__ import annotations

import re

import pytest
from sync_helpers import cloud_fixture, make_till, wait_until

from pos_desktop.services.auth import AuthError
from pos_desktop.storage.quick_key_repo import QuickKeyRepository
from pos_desktop.sync.worker import SyncWorker
from tests.cloud.backoffice_helpers import page_csrf, set_up_and_sign_in

sqlite_staff_cloud = cloud_fixture("sqlite")
postgres_staff_cloud = cloud_fixture("postgres")


def _staff_id(owner, store: str, name: str) -> str:
    page = owner.get(f"/app/stores/{store}/staff").text
    row = re.search(rf'data-testid="staff-{name}">.*?/staff/([0-9a-f-]+)/pin', page, re.S)
    assert row, page
    return row.group(1)


def _post(owner, path: str, **data) -> str:
    r = owner.post(path, data={**data, "csrf_token": page_csrf(owner)})
    assert r.status_code in (200, 303), (path, r.status_code, r.text[-500:])
    return r.text


def _hash_of(till, name: str) -> str | None:
    """The PIN hash the till holds for ``name`` (waiting on it: failed logins would lock)."""
    member = till.auth.users.by_name(name)
    return till.auth.users.pin_hash(member.user_id) if member else None


def _can_log_in(till, name: str, pin: str) -> bool:
    try:
        till.auth.login(name, pin)
    except AuthError:
        return False
    return True


def _staff_and_keys_reach_the_till(server, cloud, ram_path) -> None:
    store = cloud.store("EUR")
    cloud.product(store, "ESP", price=180, gtins=["4000000000013"])
    owner, _ = set_up_and_sign_in(server.url)
    till = make_till(ram_path / "till", server.url, cloud.code(store))
    worker = SyncWorker(till.config.database_path, long_poll_wait=5, backoff_cap=0.5)
    worker.start()
    try:
        base = f"/app/stores/{store}"
        # A new cashier, and the till's own "Demo Cashier" taken over with a PIN set here.
        demo_hash = _hash_of(till, "Demo Cashier")
        _post(owner, f"{base}/staff", name="Nina", role="cashier", pin="4321", pin2="4321")
        _post(owner, f"{base}/staff", name="Demo Cashier", role="cashier", pin="5555", pin2="5555")
        assert wait_until(lambda: _hash_of(till, "Demo Cashier") != demo_hash)
        assert _hash_of(till, "Nina").startswith("$argon2id$")
        assert _can_log_in(till, "Nina", "4321")
        assert _can_log_in(till, "Demo Cashier", "5555")
        assert not _can_log_in(till, "Demo Cashier", "1111")  # the demo PIN is gone

        nina = _staff_id(owner, store, "Nina")
        old = _hash_of(till, "Nina")
        _post(owner, f"{base}/staff/{nina}/pin", pin="8642", pin2="8642")
        assert wait_until(lambda: _hash_of(till, "Nina") != old)
        assert _can_log_in(till, "Nina", "8642")
        assert not _can_log_in(till, "Nina", "4321")

        _post(owner, f"{base}/staff/{nina}/active", active="0")
        assert wait_until(lambda: not till.auth.users.by_name("Nina").active)
        assert not _can_log_in(till, "Nina", "8642")

        # Quick keys: a product on key 1 of page 2, a department coffee at a fixed price.
        _post(owner, f"{base}/quick-keys", page="2", position="1", label="", sku="ESP")
        _post(
            owner,
            f"{base}/quick-keys",
            page="2",
            position="7",
            label="Filter",
            department="Coffee",
            price="2.10",
        )
        keys = QuickKeyRepository(till.db)
        assert wait_until(lambda: len(keys.page(2)) == 2)
        espresso, coffee = keys.page(2)[0], keys.page(2)[6]
        assert (espresso.sku, espresso.label) == ("ESP", "Item ESP")  # the product's name
        assert (coffee.department, coffee.price_minor, coffee.label) == ("Coffee", 210, "Filter")

        _post(owner, f"{base}/quick-keys", page="2", position="7", clear="1")
        assert wait_until(lambda: 6 not in keys.page(2))
        assert 0 in keys.page(2)
    finally:
        assert worker.stop(timeout=10)
        till.close()


def test_staff_and_quick_keys_sqlite(sqlite_staff_cloud, ram_path):
    _staff_and_keys_reach_the_till(*sqlite_staff_cloud, ram_path)


@pytest.mark.postgres
def test_staff_and_quick_keys_postgres(postgres_staff_cloud, ram_path):
    _staff_and_keys_reach_the_till(*postgres_staff_cloud, ram_path)
