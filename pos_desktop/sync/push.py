"""The outbox pusher: pending events up in batches, each event id its idempotency key.

Per-event outcome: ``stored``/``duplicate`` -> sent; ``rejected`` -> parked with the reason (the
UI shows it); network errors and 5xx -> left pending, the caller retries with backoff. Only one
pusher per till runs at a time: it must hold the ``push`` lease row in the till db (taken with
``BEGIN IMMEDIATE``, renewed per batch, expiring by itself if its holder dies).
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from peewee import SqliteDatabase

from pos_desktop.storage import outbox, sync_repo

from .client import CloudClient, CloudOffline, CloudRefused, CloudUnauthorized
from .wire import to_wire

MAX_BATCH = 500
LEASE_TTL_S = 90.0  # > one request timeout, so a live holder always renews in time


def _utc_now() -> datetime:
    return datetime.now(UTC)


def new_holder() -> str:
    """A lease holder name unique to this process and thread."""
    return f"{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"


@dataclass
class PushResult:
    sent: int = 0
    parked: int = 0
    batches: int = 0
    lease_busy: bool = False


class Pusher:
    """Pushes a till's pending outbox; one instance per thread (it owns no connection)."""

    def __init__(
        self,
        db: SqliteDatabase,
        client: CloudClient,
        *,
        batch_size: int = MAX_BATCH,
        now: Callable[[], datetime] = _utc_now,
        wall: Callable[[], float] = time.time,
        holder: str | None = None,
    ) -> None:
        self._db = db
        self._client = client
        self._batch = max(1, min(batch_size, MAX_BATCH))
        self._now = now
        self._wall = wall
        self.holder = holder or new_holder()

    def push_pending(self, max_batches: int | None = None) -> PushResult:
        """Push until nothing is pending (or ``max_batches``); needs the lease.

        Raises:
            CloudOffline: the cloud is unreachable or failing; the rest stays pending.
            CloudUnauthorized: the token is refused; nothing was changed locally.
        """
        result = PushResult()
        if not sync_repo.acquire_lease(self._db, self.holder, LEASE_TTL_S, self._wall()):
            result.lease_busy = True
            return result
        try:
            while max_batches is None or result.batches < max_batches:
                events = outbox.pending(self._db, self._batch)
                if not events:
                    break
                self._push_batch(events, result)
                result.batches += 1
                # Renew; if the lease was lost (we stalled past its expiry) stop at once.
                if not sync_repo.acquire_lease(self._db, self.holder, LEASE_TTL_S, self._wall()):
                    break
        finally:
            sync_repo.release_lease(self._db, self.holder)
        return result

    def _push_batch(self, events: list[outbox.OutboxEvent], result: PushResult) -> None:
        wire = [to_wire(self._db, e) for e in events]
        try:
            answer = self._client.push(wire)
        except CloudOffline as exc:
            with self._db.atomic("IMMEDIATE"):
                sync_repo.note_failed_attempt(self._db, [e.event_id for e in events], str(exc))
            raise
        except CloudUnauthorized:
            raise
        except CloudRefused as exc:
            if len(wire) == 1:
                self._record({wire[0]["event_id"]: ("rejected", exc.detail)}, result)
                return
            # One bad event must not park its 499 neighbours: send them one at a time.
            for event in events:
                self._push_batch([event], result)
            return
        outcomes = self._outcomes(wire, answer)
        self._record(outcomes, result)

    @staticmethod
    def _outcomes(wire: list[dict[str, Any]], answer: dict[str, Any]) -> dict:
        results = answer.get("results")
        if not isinstance(results, list) or len(results) != len(wire):
            raise CloudOffline("the cloud answered the batch with the wrong number of results")
        outcomes = {}
        for sent, got in zip(wire, results, strict=True):
            if got.get("event_id") != sent["event_id"]:
                raise CloudOffline("the cloud answered the batch out of order")
            outcomes[sent["event_id"]] = (got.get("status"), got.get("reason") or "")
        return outcomes

    def _record(self, outcomes: dict[str, tuple[str, str]], result: PushResult) -> None:
        done = [eid for eid, (status, _) in outcomes.items() if status in ("stored", "duplicate")]
        parked = {
            eid: reason or "rejected by the cloud"
            for eid, (status, reason) in outcomes.items()
            if status == "rejected"
        }
        now = self._now()
        with self._db.atomic("IMMEDIATE"):
            sync_repo.mark_sent(self._db, done, now)
            sync_repo.park(self._db, parked)
            sync_repo.record_success(self._db, now)
        result.sent += len(done)
        result.parked += len(parked)
