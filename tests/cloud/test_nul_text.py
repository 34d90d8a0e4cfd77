"""Text with U+0000, which PostgreSQL cannot store: a 422 or a rejected event there, not a 500."""

from __future__ import annotations

from pos_cloud.models import new_id

from .conftest import sale_payload


def _expected(database_url: str) -> int:
    return 422 if database_url.startswith("postgres") else 200  # SQLite stores it as is


def test_customer_name_with_nul(cloud, database_url):
    store = cloud.store()
    r = cloud.admin.put(f"/v1/admin/stores/{store}/customers/{new_id()}", json={"name": "A\x00B"})
    assert r.status_code == _expected(database_url), r.text
    if r.status_code == 422:
        assert "NUL" in r.json()["detail"]


def test_sale_with_nul_in_cashier_is_rejected_alone_on_postgres(cloud, database_url):
    till = cloud.till()
    payload = {**sale_payload(), "cashier": "ann\x00"}
    r = till.push([till.event("sale.completed", payload, seq=1), till.event(seq=2)])
    assert r.status_code == 200, r.text
    statuses = [x["status"] for x in r.json()["results"]]
    last_seq = till.client.get("/v1/terminals/me").json()["last_seq"]
    if database_url.startswith("postgres"):
        # Only the poisoned event is refused (and quarantined); the one behind it is stored.
        assert statuses == ["rejected", "stored"]
        assert "NUL" in r.json()["results"][0]["reason"]
        assert last_seq == 2
        assert till.client.get("/v1/terminals/me/gaps").json()["missing"] == [1]
    else:
        assert statuses == ["stored", "stored"] and last_seq == 2  # SQLite stores it as is
