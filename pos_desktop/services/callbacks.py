"""Durable result callbacks: queued in the db with the result, posted by a worker thread.

A callback row is written in the same transaction that settles the payment request, so a till
restart never loses one. The worker has its own db connection, posts each due callback with
httpx, signs it with the app's key and retries failures with jittered exponential backoff.

Signature (see docs/POS_API.md): ``X-POS-Signature: sha256=<hex>`` where hex is
``HMAC-SHA256(key, f"{timestamp}.{body}")`` and ``timestamp`` is the ``X-POS-Timestamp`` header
(Unix seconds). The timestamp is fresh on every attempt so receivers can reject old replays.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from peewee import SqliteDatabase

from pos_common.backoff import jittered_delay
from pos_desktop.storage.pos_api_repo import CallbackRow, PosApiRepository

from .pos_api_rules import url_problem

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-POS-Signature"
TIMESTAMP_HEADER = "X-POS-Timestamp"
DELIVERY_HEADER = "X-POS-Delivery"


def sign(key: str, timestamp: str, body: str) -> str:
    """The ``X-POS-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(key.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    key: str,
    timestamp: str,
    body: str,
    signature: str,
    *,
    now: float | None = None,
    tolerance_s: int = 300,
) -> bool:
    """Check a callback as a receiver should: the HMAC matches and the timestamp is recent."""
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance_s and hmac.compare_digest(sign(key, timestamp, body), signature)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Backoff: ``base * 2**(attempt-1)`` capped at ``cap_s``, times a random 0.5..1.0 (jitter,
    so many tills do not retry in step); give up after ``max_attempts`` (about 2 days)."""

    base_s: float = 1.0
    cap_s: float = 600.0
    max_attempts: int = 300
    timeout_s: float = 10.0

    def delay(self, attempts: int, rng: random.Random) -> float:
        return jittered_delay(max(0, attempts - 1), self.base_s, self.cap_s, rng.random())


class CallbackWorker:
    """Posts due callbacks on its own thread and db connection until ``stop()``.

    Args:
        db_factory: opens the worker's own connection to the till db (WAL lets it work beside
            the till's writes).
        policy: retry timing.
        transport: an httpx transport (tests); None uses the network.
        time_fn: wall-clock seconds (``time.time``); retries are scheduled on it.
    """

    def __init__(
        self,
        db_factory: Callable[[], SqliteDatabase],
        policy: RetryPolicy | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        time_fn: Callable[[], float] = time.time,
        seed: int | None = None,
    ) -> None:
        self._db_factory = db_factory
        self.policy = policy or RetryPolicy()
        self._transport = transport
        self._time = time_fn
        self._rng = random.Random(seed)  # noqa: S311 - jitter, not a secret
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.delivered = 0  # counters for the UI and tests
        self.failed_attempts = 0

    def start(self) -> CallbackWorker:
        if self._thread is None:
            self._stopping.clear()
            self._thread = threading.Thread(target=self._run, name="pos-api-callbacks", daemon=True)
            self._thread.start()
        return self

    def wake(self) -> None:
        """A new callback was queued: look now instead of at the next scheduled time."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        db = self._db_factory()
        repo = PosApiRepository(db)
        client = httpx.Client(timeout=self.policy.timeout_s, transport=self._transport)
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                try:
                    self.run_due(repo, client)
                    wait = self._seconds_to_next(repo)
                except Exception:  # a db hiccup must not kill the queue: log, try again soon
                    log.exception("callback worker failed; retrying in 5 s")
                    wait = 5.0
                self._wake.wait(wait)
        finally:
            client.close()
            db.close()

    def _seconds_to_next(self, repo: PosApiRepository) -> float:
        due = repo.next_due_at()
        if due is None:
            return 60.0
        return min(60.0, max(0.0, due - self._time()))

    def run_due(self, repo: PosApiRepository, client: httpx.Client) -> int:
        """Post every due callback once; returns how many were delivered.

        Each row is isolated: whatever goes wrong with one (a bad URL, an unexpected error)
        is recorded on that row, which moves back in the queue, and the next row goes on.
        """
        done = 0
        for row in repo.due_callbacks(self._time()):
            if self._stopping.is_set():
                break
            try:
                done += self._deliver(repo, client, row)
            except Exception as err:  # noqa: BLE001 - one row never blocks the others
                log.exception("callback %s could not be handled", row.delivery_id)
                self._failed(repo, row, row.attempts + 1, f"{type(err).__name__}: {err}")
        return done

    def _deliver(self, repo: PosApiRepository, client: httpx.Client, row: CallbackRow) -> int:
        attempts = row.attempts + 1
        if row.signing_key is None:
            repo.callback_failed(row.id, attempts, "the app was revoked; not sent", None)
            return 0
        problem = url_problem(row.url)
        if problem is not None:  # queued by an older till: it can never be sent
            repo.callback_failed(
                row.id, attempts, f"not sent: the callback URL is refused ({problem})", None
            )
            log.warning("callback %s dropped: bad callback URL (%s)", row.delivery_id, problem)
            return 0
        stamp = str(int(self._time()))
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: stamp,
            SIGNATURE_HEADER: sign(row.signing_key, stamp, row.body),
            DELIVERY_HEADER: row.delivery_id,
            "User-Agent": "countertop-pos-callbacks/1",
        }
        try:
            response = client.post(row.url, content=row.body.encode(), headers=headers)
            error = None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
        except httpx.HTTPError as err:
            error = f"{type(err).__name__}: {err}"
        if error is None:
            repo.callback_delivered(row.id, attempts, datetime.now(UTC))
            self.delivered += 1
            return 1
        self._failed(repo, row, attempts, error)
        return 0

    def _failed(self, repo: PosApiRepository, row: CallbackRow, attempts: int, error: str) -> None:
        """Record a failed try and schedule the next one (or give up after the last)."""
        self.failed_attempts += 1
        retry = attempts < self.policy.max_attempts
        next_at = self._time() + self.policy.delay(attempts, self._rng) if retry else None
        repo.callback_failed(row.id, attempts, error, next_at)
        log.info(
            "callback %s to %s failed (%s), attempt %d",
            row.delivery_id,
            row.url[:200],
            error,
            attempts,
        )
