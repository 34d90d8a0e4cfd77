"""Result callbacks are durable: retried while the app is down and after a till restart."""

from __future__ import annotations

import random
import time

import httpx
from test_pos_api_support import CallbackReceiver, request_body, start_api

from pos_desktop.config import TillConfig
from pos_desktop.container import Overrides, build_container
from pos_desktop.services.callbacks import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    RetryPolicy,
    sign,
    verify_signature,
)
from tests.conftest import FixedClock


def new_request(env, key, prefix) -> str:
    r = httpx.post(
        env.url + "/v1/payment-requests",
        json=request_body(key.app_id, prefix),
        headers={"Authorization": f"Bearer {key.key}"},
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def callback_rows(db):
    return db.execute_sql("SELECT status, attempts, last_error FROM api_callback").fetchall()


def test_callback_retried_after_the_receiver_was_down(till):
    down = CallbackReceiver()
    port, prefix = down.port, down.prefix
    down.stop()  # the app is down: connection refused
    env = start_api(till)
    try:
        key = env.service.register_app("Web shop", prefix)
        rid = new_request(env, key, prefix)
        env.service.decline(rid)
        env.worker.wake()
        deadline = 200
        while env.worker.failed_attempts < 2 and deadline:
            time.sleep(0.02)
            deadline -= 1
        assert env.worker.failed_attempts >= 2  # it kept trying
        with CallbackReceiver(port) as back_up:
            assert back_up.got_one.wait(5)
            got = back_up.received[0]
            assert got.json["request_id"] == rid and got.json["status"] == "declined"
            assert verify_signature(
                key.key, got.headers[TIMESTAMP_HEADER], got.body, got.headers[SIGNATURE_HEADER]
            )
            env.stop()
        ((status, attempts, _err),) = callback_rows(till.db)
        assert status == "delivered" and attempts >= 3
    finally:
        env.stop()


def test_callback_survives_a_till_restart(tmp_path):
    config = TillConfig(data_dir=tmp_path, demo=True)
    with CallbackReceiver() as receiver:
        first = build_container(config, overrides=Overrides(clock=FixedClock()))
        env = start_api(first, worker=False)  # the till stops before it could post
        key = env.service.register_app("Web shop", receiver.prefix)
        rid = new_request(env, key, receiver.prefix)
        env.service.decline(rid)
        env.stop()
        first.close()
        assert not receiver.received

        second = build_container(config, overrides=Overrides(clock=FixedClock()))
        env2 = start_api(second)
        try:
            assert receiver.got_one.wait(5)
            assert receiver.received[0].json["request_id"] == rid
        finally:
            env2.stop()
            second.close()


def test_revoked_app_gets_no_callback(till):
    with CallbackReceiver() as receiver:
        env = start_api(till)
        try:
            key = env.service.register_app("Web shop", receiver.prefix)
            rid = new_request(env, key, receiver.prefix)
            env.worker.stop()
            env.service.decline(rid)
            env.service.revoke_app(key.app_id)
            env.worker.start()
            env.worker.wake()
            for _ in range(200):
                if callback_rows(till.db)[0][0] == "failed":
                    break
                time.sleep(0.02)
            assert callback_rows(till.db)[0][0] == "failed"
            assert not receiver.received
        finally:
            env.stop()


def test_backoff_grows_is_jittered_and_capped():
    policy = RetryPolicy(base_s=1, cap_s=60, max_attempts=10)
    rng = random.Random(7)
    delays = [policy.delay(n, rng) for n in range(1, 12)]
    assert 0.5 <= delays[0] <= 1.0 and 4 <= delays[3] <= 8
    assert all(d <= 60 for d in delays) and delays[-1] >= 30
    assert len({round(policy.delay(3, rng), 6) for _ in range(20)}) > 1  # jitter


def test_signature_is_hmac_over_timestamp_dot_body():
    import hashlib
    import hmac

    expected = hmac.new(b"k", b"123.{}", hashlib.sha256).hexdigest()
    assert sign("k", "123", "{}") == "sha256=" + expected
    assert verify_signature("k", "123", "{}", "sha256=" + expected, now=123)
    assert not verify_signature("k", "123", "{}", "sha256=" + expected, now=123 + 3600)
