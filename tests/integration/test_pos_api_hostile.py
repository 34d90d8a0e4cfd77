"""Hostile apps cannot break the POS API for others: bad callback URLs, big bodies, floods."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from test_pos_api_support import CallbackReceiver, request_body, start_api

from pos_desktop.services.callbacks import CallbackWorker
from pos_desktop.services.pos_api import PosApiSettings
from pos_desktop.storage.pos_api_repo import PosApiRepository


@pytest.fixture
def receiver():
    with CallbackReceiver() as rec:
        yield rec


@pytest.fixture
def api(till):
    env = start_api(till, settings=PosApiSettings(max_pending_per_app=5, rate_per_minute=30))
    yield env
    env.stop()


@pytest.fixture
def app_key(api, receiver):
    return api.service.register_app("Web shop", receiver.prefix)


def post(api, key, body, **headers):
    return httpx.post(
        api.url + "/v1/payment-requests",
        json=body,
        headers={"Authorization": f"Bearer {key.key}", **headers},
        timeout=10,
    )


@pytest.mark.parametrize(
    "tail",
    [
        "result\r\nX-Evil: 1",
        "res\tult",
        "res\x00ult",
        "result\n",
        "x" * 70_000,
        "../../other/x",
        "a/../../../other",
        "%2e%2e/%2e%2e/other",
        "..\\..\\other",
        "res ult",
    ],
    ids=[
        "crlf",
        "tab",
        "nul",
        "lf",
        "64k",
        "dotdot",
        "dotdot-mid",
        "encoded-dots",
        "backslash",
        "space",
    ],
)
def test_hostile_callback_urls_are_refused(api, app_key, receiver, tail):
    r = post(
        api,
        app_key,
        request_body(app_key.app_id, receiver.prefix, callback_url=receiver.prefix + tail),
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid_callback_url"
    assert api.service.repo.requests_with_status("pending") == []


def test_a_plain_callback_url_under_the_prefix_is_still_accepted(api, app_key, receiver):
    body = request_body(app_key.app_id, receiver.prefix, callback_url=receiver.prefix + "a/b?x=1")
    assert post(api, app_key, body).status_code == 201


def test_one_bad_callback_row_does_not_block_other_apps(till, receiver):
    """A row queued before validation existed (or any row that cannot be sent) is marked failed
    with its reason; the next rows, of this app and others, are delivered."""
    env = start_api(till, worker=False)
    try:
        evil = env.service.register_app("Evil", receiver.prefix)
        good = env.service.register_app("Good", receiver.prefix)
        rid_evil = post(env, evil, request_body(evil.app_id, receiver.prefix)).json()["id"]
        rid_good = post(env, good, request_body(good.app_id, receiver.prefix)).json()["id"]
        # What an old till let in: the request's URL carries CR/LF (and another one is huge).
        till.db.execute_sql(
            "UPDATE payment_request SET callback_url = ? WHERE id = ?",
            (receiver.prefix + "x\r\nInjected: 1", rid_evil),
        )
        env.service.decline(rid_evil)
        env.service.decline(rid_good)
        till.db.execute_sql(
            "UPDATE api_callback SET url = ? WHERE request_id = ?",
            (receiver.prefix + "x\r\nInjected: 1", rid_evil),
        )
        repo = PosApiRepository(till.db)
        worker = CallbackWorker(lambda: till.db, seed=1)
        with httpx.Client(timeout=2) as client:
            delivered = worker.run_due(repo, client)
        assert delivered == 1
        assert [json.loads(r.body)["request_id"] for r in receiver.received] == [rid_good]
        ((status, _attempts, error),) = repo.callbacks_for(rid_evil)
        assert status == "failed" and "callback URL" in error
        assert repo.callbacks_for(rid_good)[0][0] == "delivered"
    finally:
        env.stop()


def test_an_unexpected_error_while_sending_fails_only_that_row(till, receiver):
    env = start_api(till, worker=False)
    try:
        a = env.service.register_app("A", receiver.prefix)
        b = env.service.register_app("B", receiver.prefix)
        ra = post(env, a, request_body(a.app_id, receiver.prefix)).json()["id"]
        rb = post(env, b, request_body(b.app_id, receiver.prefix)).json()["id"]
        env.service.decline(ra)
        env.service.decline(rb)
        repo = PosApiRepository(till.db)

        class Exploding(httpx.BaseTransport):
            def handle_request(self, request):
                if b'"' + ra.encode() + b'"' in request.content:
                    raise UnicodeError("boom")  # not an httpx error
                return httpx.Response(200)

        worker = CallbackWorker(lambda: till.db, seed=1)
        with httpx.Client(transport=Exploding()) as client:
            assert worker.run_due(repo, client) == 1
        status, _attempts, error = repo.callbacks_for(ra)[0]
        assert status == "pending" and "boom" in error  # retried later, never first forever
        assert repo.callbacks_for(rb)[0][0] == "delivered"
        assert repo.due_callbacks(time.time()) == []  # not due again at once
    finally:
        env.stop()


def test_a_30_mb_body_is_refused_with_413(api, app_key):
    big = b'{"reference": "' + b"x" * (30 * 1024 * 1024) + b'"}'
    r = httpx.post(
        api.url + "/v1/payment-requests",
        content=big,
        headers={"Authorization": f"Bearer {app_key.key}", "Content-Type": "application/json"},
        timeout=30,
    )
    assert r.status_code == 413 and r.json()["error"] == "body_too_large"


def test_a_body_without_content_length_is_cut_at_the_limit(api, app_key):
    def chunks():
        yield b'{"reference": "'
        for _ in range(100):
            yield b"x" * 10_000
        yield b'"}'

    r = httpx.post(
        api.url + "/v1/orders",
        content=chunks(),
        headers={"Authorization": f"Bearer {app_key.key}"},
        timeout=30,
    )
    assert r.status_code == 413


@pytest.mark.parametrize(
    "raw",
    [b"[" * 900 + b"]" * 900, b'{"a": NaN}', b'{"a": Infinity}', b'{"reference": "\\ud800"}'],
    ids=["deep", "nan", "infinity", "lone-surrogate"],
)
def test_odd_json_is_a_400_not_a_500(api, app_key, raw):
    r = httpx.post(
        api.url + "/v1/payment-requests",
        content=raw,
        headers={"Authorization": f"Bearer {app_key.key}", "Content-Type": "application/json"},
    )
    assert r.status_code == 400 and r.json()["error"] == "invalid_json"


def test_pending_requests_are_capped_per_app(api, app_key, receiver):
    codes = [
        post(api, app_key, request_body(app_key.app_id, receiver.prefix)).status_code
        for _ in range(8)
    ]
    assert codes == [201] * 5 + [429] * 3
    r = post(api, app_key, request_body(app_key.app_id, receiver.prefix))
    assert r.json()["error"] == "too_many_pending" and r.headers["Retry-After"]
    other = api.service.register_app("Other", receiver.prefix)
    assert post(api, other, request_body(other.app_id, receiver.prefix)).status_code == 201


def test_new_requests_are_rate_limited_per_app(api, app_key, receiver):
    codes = []
    for _ in range(40):
        r = post(api, app_key, request_body(app_key.app_id, receiver.prefix))
        codes.append(r.status_code)
        if r.status_code == 201:
            api.service.cancel_request(
                api.service.repo.app(app_key.app_id), r.json()["id"]
            )  # keep under the pending cap
    assert codes.count(201) == 30 and codes[30:] == [429] * 10
    assert (
        "in a minute"
        in post(api, app_key, request_body(app_key.app_id, receiver.prefix)).json()["message"]
    )


def test_unanswered_requests_expire_and_the_app_is_told(till, receiver):
    env = start_api(till, settings=PosApiSettings(pending_expiry_s=600))
    try:
        key = env.service.register_app("Web shop", receiver.prefix)
        rid = post(env, key, request_body(key.app_id, receiver.prefix)).json()["id"]
        assert [r.id for r in env.service.waiting_requests()] == [rid]
        till.clock.current += __import__("datetime").timedelta(minutes=11)
        assert env.service.waiting_requests() == []
        assert env.service.request(rid).status == "expired"
        assert receiver.got_one.wait(5)
        assert receiver.received[0].json["status"] == "expired"
    finally:
        env.stop()
