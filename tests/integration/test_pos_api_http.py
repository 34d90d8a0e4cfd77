"""The POS API over real HTTP on loopback: auth, validation, idempotency, cancel, callbacks."""

from __future__ import annotations

import httpx
import pytest
from test_pos_api_support import CallbackReceiver, request_body, start_api

from pos_desktop.services.callbacks import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify_signature,
)
from pos_desktop.services.pos_api import PosApiSettings


@pytest.fixture
def receiver():
    with CallbackReceiver() as rec:
        yield rec


@pytest.fixture
def api(till):
    env = start_api(
        till, settings=PosApiSettings(max_amount_minor=50_000, other_tenders=("Invoice",))
    )
    yield env
    env.stop()


@pytest.fixture
def app_key(api, receiver):
    return api.service.register_app("Web shop", receiver.prefix)


@pytest.fixture
def client(api, app_key):
    with httpx.Client(
        base_url=api.url, headers={"Authorization": f"Bearer {app_key.key}"}, timeout=5
    ) as c:
        yield c


def post(client, body, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/v1/payment-requests", json=body, headers=headers)


def test_create_get_and_openapi(client, app_key, receiver, api):
    r = post(client, request_body(app_key.app_id, receiver.prefix))
    assert r.status_code == 201
    data = r.json()
    assert data["status"] == "pending" and data["amount_minor"] == 1250
    got = client.get(f"/v1/payment-requests/{data['id']}").json()
    assert got["reference"] == "WEB-1001" and got["payment_types"] == ["card", "cash"]
    spec = httpx.get(api.url + "/openapi.json").json()
    assert "/v1/payment-requests" in spec["paths"] and "/v1/orders" in spec["paths"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}],
    ids=["missing", "wrong", "not-bearer"],
)
def test_401_without_a_valid_key(api, app_key, receiver, headers):
    r = httpx.post(
        api.url + "/v1/payment-requests",
        json=request_body(app_key.app_id, receiver.prefix),
        headers=headers,
    )
    assert r.status_code == 401
    assert "pos-admin apps add" in r.json()["message"] or "wrong" in r.json()["message"]


def test_revoked_key_is_refused(client, api, app_key, receiver):
    assert api.service.revoke_app(app_key.app_id)
    r = post(client, request_body(app_key.app_id, receiver.prefix))
    assert r.status_code == 401 and r.json()["error"] == "invalid_key"


def test_keys_are_stored_hashed(till, app_key):
    row = till.db.execute_sql("SELECT key_hash FROM api_app").fetchone()
    assert row[0] != app_key.key and len(row[0]) == 64


@pytest.mark.parametrize(
    ("over", "status", "error", "words"),
    [
        ({"currency": "USD"}, 422, "invalid_currency", "sells in EUR"),
        ({"amount_minor": 0}, 422, "invalid_amount_minor", "above 0"),
        ({"amount_minor": -5}, 422, "invalid_amount_minor", "above 0"),
        ({"amount_minor": 12.5}, 422, "invalid_amount_minor", "whole number"),
        ({"amount_minor": 50_001}, 422, "invalid_amount_minor", "limit of 50000"),
        ({"payment_types": ["bitcoin"]}, 422, "invalid_payment_types", "card, cash, invoice"),
        ({"payment_types": []}, 422, "invalid_payment_types", "non-empty"),
        ({"api_version": "2"}, 400, "unsupported_api_version", "supports 1"),
        ({"callback_url": "http://evil.example/x"}, 422, "invalid_callback_url", "prefix"),
        ({"reference": ""}, 422, "invalid_reference", "reference"),
        ({"app_id": "app_other"}, 403, "app_mismatch", "not the app"),
    ],
)
def test_4xx_validation(client, app_key, receiver, over, status, error, words):
    r = post(client, request_body(app_key.app_id, receiver.prefix, **over))
    assert r.status_code == status, r.text
    assert r.json()["error"] == error and words in r.json()["message"]


def test_unsupported_version_lists_the_supported_ones(client, app_key, receiver):
    r = post(client, request_body(app_key.app_id, receiver.prefix, api_version="9"))
    assert r.json()["supported_versions"] == ["1"]


def test_callback_prefix_is_matched_on_a_boundary(client, app_key, receiver):
    sneaky = receiver.prefix.rstrip("/") + "evil/x"  # http://127.0.0.1:P/posevil/x
    r = post(client, request_body(app_key.app_id, receiver.prefix, callback_url=sneaky))
    assert r.status_code == 422


def test_bad_json_is_400(client):
    r = client.post(
        "/v1/payment-requests", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400 and r.json()["error"] == "invalid_json"


def test_idempotency(client, app_key, receiver, till):
    body = request_body(app_key.app_id, receiver.prefix)
    first = post(client, body, key="order-1001")
    again = post(client, body, key="order-1001")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    other = post(client, {**body, "amount_minor": 999}, key="order-1001")
    assert other.status_code == 409 and other.json()["error"] == "idempotency_key_reused"
    assert till.db.execute_sql("SELECT COUNT(*) FROM payment_request").fetchone()[0] == 1


def test_other_apps_requests_are_not_found(client, api, app_key, receiver):
    rid = post(client, request_body(app_key.app_id, receiver.prefix)).json()["id"]
    other = api.service.register_app("Kitchen", receiver.prefix)
    r = httpx.get(
        f"{api.url}/v1/payment-requests/{rid}", headers={"Authorization": f"Bearer {other.key}"}
    )
    assert r.status_code == 404
    assert client.get("/v1/payment-requests/nope").status_code == 404


def test_cancel_while_pending_then_409(client, app_key, receiver):
    rid = post(client, request_body(app_key.app_id, receiver.prefix)).json()["id"]
    r = client.delete(f"/v1/payment-requests/{rid}")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    again = client.delete(f"/v1/payment-requests/{rid}")
    assert again.status_code == 409 and again.json()["current_status"] == "cancelled"
    assert receiver.got_one.wait(5)
    assert receiver.received[0].json["status"] == "cancelled"


def test_cannot_cancel_once_the_cashier_started(client, api, app_key, receiver):
    rid = post(client, request_body(app_key.app_id, receiver.prefix)).json()["id"]
    api.service.accept(rid)
    r = client.delete(f"/v1/payment-requests/{rid}")
    assert r.status_code == 409 and "started" in r.json()["message"]


def test_declined_callback_is_signed(client, api, app_key, receiver):
    rid = post(client, request_body(app_key.app_id, receiver.prefix)).json()["id"]
    assert api.service.decline(rid)
    assert receiver.got_one.wait(5)
    got = receiver.received[0]
    assert got.json["status"] == "declined" and got.json["reference"] == "WEB-1001"
    assert verify_signature(
        app_key.key, got.headers[TIMESTAMP_HEADER], got.body, got.headers[SIGNATURE_HEADER]
    )
    assert not verify_signature(
        "wrong-key", got.headers[TIMESTAMP_HEADER], got.body, got.headers[SIGNATURE_HEADER]
    )
    assert not verify_signature(
        app_key.key, got.headers[TIMESTAMP_HEADER], got.body + " ", got.headers[SIGNATURE_HEADER]
    )
    assert client.get(f"/v1/payment-requests/{rid}").json()["status"] == "declined"


def test_port_in_use_is_a_clear_error(api, till):
    from pos_desktop.local_api import ApiServer, ApiServerError
    from pos_desktop.local_api.app import create_app

    with pytest.raises(ApiServerError, match="--api-port"):
        ApiServer(create_app(api.service), port=api.server.port).start()


def test_orders_without_parking_are_503(client, app_key):
    r = client.post(
        "/v1/orders",
        json={
            "app_id": app_key.app_id,
            "reference": "1234",
            "lines": [{"sku": "X", "quantity": 1}],
        },
    )
    assert r.status_code == 503
