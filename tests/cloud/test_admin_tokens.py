"""Admin tokens: scoped to a store and/or read-only, listed and revoked; hashed at rest."""

from __future__ import annotations

import httpx
import pytest

from pos_cloud import admin_tokens
from pos_cloud.db import connection
from pos_cloud.models import AdminToken


def _token(cloud, **scope) -> tuple[int, httpx.Client]:
    with connection():
        token_id, token = admin_tokens.create("test", **scope)
    return token_id, cloud.client(token)


@pytest.fixture(scope="module")
def stores(cloud):
    return cloud.store(), cloud.store()


def test_store_scoped_token_reaches_only_its_store(cloud, stores):
    mine, other = stores
    _, client = _token(cloud, store_id=mine)
    listed = client.get("/v1/admin/stores")
    assert listed.status_code == 200 and [s["id"] for s in listed.json()] == [mine]
    assert client.get(f"/v1/admin/stores/{mine}/terminals").status_code == 200
    for method, path, body in [
        ("GET", f"/v1/admin/stores/{other}/terminals", None),
        ("GET", f"/v1/admin/stores/{other}/quarantine", None),
        (
            "PUT",
            f"/v1/admin/stores/{other}/products/A1",
            {"name": "x", "price_minor": 1, "tax_code": "A"},
        ),
        ("POST", f"/v1/admin/stores/{other}/enrollment-codes", {}),
        ("POST", "/v1/admin/stores", {"name": "Mine now"}),
        ("GET", f"/v1/admin/stores/{other}/products", None),
        ("GET", f"/v1/admin/stores/{other}/products/A1", None),
        ("GET", f"/v1/admin/stores/{other}/customers", None),
        ("GET", f"/v1/admin/stores/{other}/customers/C1", None),
    ]:
        r = client.request(method, path, json=body)
        assert r.status_code == 403, (method, path, r.text)
        assert "limited to one store" in r.json()["detail"]
    put = client.put(
        f"/v1/admin/stores/{mine}/products/A1",
        json={"name": "x", "price_minor": 1, "tax_code": "A"},
    )
    assert put.status_code == 200, put.text
    assert [p["sku"] for p in client.get(f"/v1/admin/stores/{mine}/products").json()["items"]] == [
        "A1"
    ]


def test_store_scoped_token_cannot_revoke_another_stores_terminal(cloud, stores):
    mine, _ = stores
    stranger = cloud.till()  # a terminal of a third store
    _, client = _token(cloud, store_id=mine)
    r = client.post(f"/v1/admin/terminals/{stranger.terminal_id}/revoke")
    assert r.status_code == 404  # as if it did not exist: nothing about other stores leaks
    assert stranger.client.get("/v1/terminals/me").status_code == 200
    own = cloud.till(mine)
    assert client.post(f"/v1/admin/terminals/{own.terminal_id}/revoke").status_code == 204
    assert own.client.get("/v1/terminals/me").status_code == 401


def test_read_only_token_reads_and_gets_403_on_writes(cloud, stores):
    mine, _ = stores
    _, client = _token(cloud, read_only=True)
    assert client.get("/v1/admin/stores").status_code == 200
    assert client.get(f"/v1/admin/stores/{mine}/terminals").status_code == 200
    for method, path, body in [
        ("POST", "/v1/admin/stores", {"name": "X"}),
        (
            "PUT",
            f"/v1/admin/stores/{mine}/products/A1",
            {"name": "x", "price_minor": 1, "tax_code": "A"},
        ),
        ("DELETE", f"/v1/admin/stores/{mine}/products/A1", None),
        ("POST", f"/v1/admin/stores/{mine}/enrollment-codes", {}),
    ]:
        r = client.request(method, path, json=body)
        assert r.status_code == 403, (method, path, r.text)
        assert "read-only" in r.json()["detail"]


def test_revoked_token_is_refused_and_listed_as_revoked(cloud):
    token_id, client = _token(cloud)
    assert client.get("/v1/admin/stores").status_code == 200
    with connection():
        admin_tokens.revoke(token_id)
        admin_tokens.revoke(token_id)  # idempotent
        listed = {row["id"]: row for row in admin_tokens.listing()}
    assert client.get("/v1/admin/stores").status_code == 401
    assert listed[token_id]["revoked"] and listed[token_id]["revoked_at"] is not None


def test_tokens_are_hashed_at_rest(cloud):
    with connection():
        _, token = admin_tokens.create("hash check")
        stored = [row.token_hash for row in AdminToken.select()]
    assert token not in stored and all(len(h) == 64 for h in stored)


def test_openapi_document_needs_an_admin_token_and_docs_pages_are_off(cloud, server):
    anonymous = cloud.client()
    assert anonymous.get("/openapi.json").status_code == 401
    assert anonymous.get("/docs").status_code == 404
    assert anonymous.get("/redoc").status_code == 404
    till = cloud.till()
    assert till.client.get("/openapi.json").status_code == 401  # a terminal token is not enough
    spec = cloud.admin.get("/openapi.json")
    assert spec.status_code == 200 and "/v1/events:batch" in spec.json()["paths"]
