"""Enrollment, tokens and revocation against the real server."""

from __future__ import annotations

import threading

import pytest

from pos_cloud.db import connection
from pos_cloud.models import AdminToken, EnrollmentCode, Terminal


def test_enroll_returns_token_and_store_currency(cloud):
    store = cloud.store(currency="CHF")
    r = cloud.client().post("/v1/enroll", json={"code": cloud.code(store), "terminal_name": "L1"})
    assert r.status_code == 200
    body = r.json()
    assert body["store_id"] == store and body["currency"] == "CHF"
    me = cloud.client(body["token"]).get("/v1/terminals/me").json()
    assert me["terminal_id"] == body["terminal_id"] and me["store_id"] == store


def test_code_works_once_and_ignores_dashes_and_case(cloud):
    code = cloud.code(cloud.store())
    first = cloud.client().post(
        "/v1/enroll", json={"code": code.replace("-", "").lower(), "terminal_name": "L1"}
    )
    second = cloud.client().post("/v1/enroll", json={"code": code, "terminal_name": "L2"})
    assert first.status_code == 200
    assert second.status_code == 401
    assert "already used" in second.json()["detail"]


def test_two_tills_racing_for_one_code_only_one_wins(cloud):
    code = cloud.code(cloud.store())
    statuses: list[int] = []

    def grab(name: str) -> None:
        r = cloud.client().post("/v1/enroll", json={"code": code, "terminal_name": name})
        statuses.append(r.status_code)

    threads = [threading.Thread(target=grab, args=(f"L{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 401, 401, 401]


def test_expired_code_is_refused(cloud):
    store = cloud.store()
    code = cloud.code(store)
    with connection():
        EnrollmentCode.update(expires_at=EnrollmentCode.created_at).where(
            EnrollmentCode.store == store
        ).execute()
    r = cloud.client().post("/v1/enroll", json={"code": code, "terminal_name": "L1"})
    assert r.status_code == 401


def test_secrets_are_stored_only_as_hashes(cloud):
    till = cloud.till()
    with connection():
        stored = Terminal.get_by_id(till.terminal_id).token_hash
        admin_hashes = [a.token_hash for a in AdminToken.select()]
    assert till.token not in stored and len(stored) == 64
    assert all(len(h) == 64 for h in admin_hashes)


def test_revoked_terminal_gets_401_everywhere(cloud):
    till = cloud.till()
    assert till.client.get("/v1/terminals/me").status_code == 200
    assert cloud.admin.post(f"/v1/admin/terminals/{till.terminal_id}/revoke").status_code == 204
    for method, path, body in [
        ("GET", "/v1/terminals/me", None),
        ("GET", "/v1/terminals/me/gaps", None),
        ("GET", "/v1/feed/products", None),
        ("POST", "/v1/events:batch", {"events": [till.event()]}),
    ]:
        r = till.client.request(method, path, json=body)
        assert r.status_code == 401, path
        assert r.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer pct_wrong", "Basic abc"])
def test_missing_or_bad_token_is_401(cloud, header):
    c = cloud.client()
    headers = {"Authorization": header} if header else {}
    assert c.get("/v1/feed/products", headers=headers).status_code == 401
    assert c.get("/v1/admin/stores", headers=headers).status_code == 401


def test_terminal_token_is_not_an_admin_token(cloud):
    till = cloud.till()
    assert till.client.get("/v1/admin/stores").status_code == 401
    assert till.client.post("/v1/admin/stores", json={"name": "X"}).status_code == 401
    admin_on_terminal_route = cloud.admin.get("/v1/terminals/me")
    assert admin_on_terminal_route.status_code == 401


def test_enroll_with_unknown_code_or_blank_name(cloud):
    r = cloud.client().post("/v1/enroll", json={"code": "AAAA-BBBB-CCCC", "terminal_name": "L"})
    assert r.status_code == 401
    r = cloud.client().post(
        "/v1/enroll", json={"code": cloud.code(cloud.store()), "terminal_name": "  "}
    )
    assert r.status_code == 422
