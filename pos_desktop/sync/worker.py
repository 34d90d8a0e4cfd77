"""``SyncWorker``: background push + long-poll pull with its own db connection.

Two daemon threads share one peewee database object opened on the till's file (peewee gives
each thread its own SQLite connection; WAL lets them read while the till writes):

* the pusher waits for :meth:`SyncWorker.notify` (a sale was committed) or a periodic tick, then
  pushes everything pending; on failure it retries with jittered exponential backoff;
* the puller long-polls the products feed (``wait`` seconds, so a cloud price change arrives
  within ~0.1 s), then catches up every stream, forever.

Nothing here is called on the sale path except ``notify()``, which only sets an event, and
``status()``, which returns a snapshot kept in memory: a sale never waits for the network.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
from peewee import SqliteDatabase

from pos_common.backoff import Backoff
from pos_desktop.storage import sync_repo
from pos_desktop.storage.db import open_database

from .client import CloudClient, CloudError, CloudOffline, CloudUnauthorized
from .pull import STREAMS, FeedProblem, Puller
from .push import Pusher

log = logging.getLogger(__name__)

LONG_POLL_WAIT = 20.0
# A change in any of these ends the products long poll too (within ~2 s), so a poll that runs
# to its timeout proves they have nothing new and the other streams need not be asked. Stock
# moves with every sale of every till of the store: it is caught up by the full pull below.
WAKE_ALSO = tuple(s for s in STREAMS if s not in ("products", "stock"))
FULL_PULL_EVERY = 60.0  # seconds: every stream at least this often (stock; an older cloud)
QUIET_MARGIN = 0.25  # a poll that lasted 3/4 of its wait or more ran out: nothing changed
IDLE_PUSH_INTERVAL = 30.0  # also retries after another process held the lease


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """What the status bar shows: a snapshot, cheap to read from any thread."""

    online: bool = False
    pending: int = 0
    parked: int = 0
    last_success_at: datetime | None = None
    last_error: str | None = None
    parked_reasons: tuple[str, ...] = ()


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SyncWorker:
    """Keeps one enrolled till in sync with the cloud; ``start()`` once, ``stop()`` once.

    Args:
        database_path: the till's SQLite file (the worker opens its own connections).
        long_poll_wait: seconds each products long poll may be held by the server.
        on_applied: ``(stream, count)`` after each pulled page commits (worker thread).
        transport: an httpx transport for tests; None uses the network with TLS checks.
        verify: True (system CAs) or a CA bundle path for a private cloud certificate.
    """

    def __init__(
        self,
        database_path: Path | str,
        *,
        long_poll_wait: float = LONG_POLL_WAIT,
        idle_push_interval: float = IDLE_PUSH_INTERVAL,
        backoff_cap: float = 60.0,
        on_applied: Callable[[str, int], None] | None = None,
        transport: httpx.BaseTransport | None = None,
        verify: bool | str = True,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._path = Path(database_path)
        self._wait = long_poll_wait
        self._idle = idle_push_interval
        self._cap = backoff_cap
        self._on_applied = on_applied
        self._transport = transport
        self._verify = verify
        self._now = now
        self._db: SqliteDatabase | None = None
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._status = SyncStatus()
        self._threads: list[threading.Thread] = []
        self._pushes_started = 0  # push rounds begun / finished: flush waits for one that
        self._pushes_done = 0  # begins after it asked

    # --- public API ---------------------------------------------------------------------------

    def start(self) -> None:
        """Open the worker's db and start the push and pull threads."""
        if self._threads:
            raise RuntimeError("the sync worker was already started")
        self._db = open_database(self._path)
        self._refresh_counts()
        self._db.close()  # the caller's thread keeps no connection; each worker thread opens one
        for name, target in (("sync-push", self._push_loop), ("sync-pull", self._pull_loop)):
            thread = threading.Thread(target=self._run, args=(target,), name=name, daemon=True)
            self._threads.append(thread)
            thread.start()

    def stop(self, timeout: float = 2.0) -> bool:
        """Ask both threads to finish; True when they did within ``timeout`` seconds each.

        A long poll in flight finishes by itself (at most ``long_poll_wait`` later); the threads
        are daemons, so a closing app does not wait for it.
        """
        self._stopping.set()
        self._wake.set()
        stopped = True
        for thread in self._threads:
            thread.join(timeout)
            stopped = stopped and not thread.is_alive()
        return stopped

    def flush(self, timeout: float = 5.0) -> bool:
        """Push once more and wait for it (the till is closing); True when nothing is left.

        Whatever is not pushed stays in the outbox and goes at the next start.
        """
        if not self._threads or self._stopping.is_set():
            return False
        wanted, deadline = self._pushes_started + 1, time.monotonic() + timeout
        self.notify()
        while time.monotonic() < deadline and self._threads[0].is_alive():
            if self._pushes_done >= wanted:
                return self.status().pending == 0
            time.sleep(0.02)
        return False

    def notify(self) -> None:
        """A business event was committed: push now (never blocks)."""
        self._wake.set()

    def status(self) -> SyncStatus:
        """The latest snapshot (no db or network access)."""
        with self._lock:
            return self._status

    # --- threads ------------------------------------------------------------------------------

    def _run(self, loop: Callable[[SqliteDatabase, CloudClient], None]) -> None:
        db = self._db
        assert db is not None
        try:
            creds = sync_repo.load_credentials(db)
            if creds is None:
                self._update(online=False, last_error="not enrolled: run 'pos-admin enroll'")
                return
            client = CloudClient(
                creds.cloud_url, creds.token, verify=self._verify, transport=self._transport
            )
            try:
                loop(db, client)
            finally:
                client.close()
        except Exception:  # a bug must not kill sync silently: log it and show it
            log.exception("sync thread crashed")
            self._update(online=False, last_error="sync stopped after an internal error")
        finally:
            db.close()

    def _push_loop(self, db: SqliteDatabase, client: CloudClient) -> None:
        pusher = Pusher(db, client, now=self._now)
        backoff = Backoff(cap=self._cap)
        delay = 0.0
        while not self._stopping.is_set():
            self._wake.wait(delay)
            self._wake.clear()
            if self._stopping.is_set():
                return
            self._pushes_started += 1
            self._refresh_counts()
            try:
                result = pusher.push_pending()
            except CloudError as exc:
                delay = self._failed(exc, backoff)
                self._refresh_counts()
                self._pushes_done += 1
                continue
            backoff.reset()
            if not result.lease_busy:
                self._succeeded()
            self._refresh_counts()
            self._pushes_done += 1
            delay = self._idle

    def _pull_loop(self, db: SqliteDatabase, client: CloudClient) -> None:
        puller = Puller(db, client, now=self._now, on_applied=self._on_applied)
        backoff = Backoff(cap=self._cap)
        wait = 0.0  # catch up at once after start, long-poll afterwards
        full_pull_due = 0.0  # monotonic time of the next pull of every stream
        while not self._stopping.is_set():
            try:
                started = time.monotonic()
                applied = puller.pull_stream("products", wait=wait, also=WAKE_ALSO)
                ended = time.monotonic()
                # A poll that ran out its wait with nothing saw no change in WAKE_ALSO either:
                # asking each stream again would be a dozen requests per till for nothing.
                quiet = wait > 0 and not applied and ended - started >= wait * (1 - QUIET_MARGIN)
                if not quiet or ended >= full_pull_due:
                    puller.pull_all()
                    full_pull_due = time.monotonic() + FULL_PULL_EVERY
            except (CloudError, FeedProblem) as exc:
                self._stopping.wait(self._failed(exc, backoff))
                wait = 0.0
                continue
            backoff.reset()
            self._succeeded()
            wait = self._wait

    # --- status -------------------------------------------------------------------------------

    def _failed(self, exc: Exception, backoff: Backoff) -> float:
        if isinstance(exc, CloudUnauthorized):
            message = "the cloud refused this till's token (revoked?): run 'pos-admin enroll'"
            delay = backoff.cap
        else:
            message = str(exc)
            delay = backoff.next_delay()
        online = not isinstance(exc, (CloudOffline, CloudUnauthorized))
        self._update(online=online, last_error=message)
        self._record(lambda db: sync_repo.record_error(db, message, self._now()))
        return delay

    def _succeeded(self) -> None:
        self._update(online=True, last_error=None, last_success_at=self._now())

    def _refresh_counts(self) -> None:
        db = self._db
        assert db is not None
        pending, parked = sync_repo.outbox_counts(db)
        reasons = tuple(
            f"#{seq} {type_}: {reason}" for seq, type_, reason in sync_repo.parked_reasons(db)
        )
        self._update(pending=pending, parked=parked, parked_reasons=reasons)

    def _update(self, **changes) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)

    def _record(self, write: Callable[[SqliteDatabase], None]) -> None:
        db = self._db
        assert db is not None
        try:
            with db.atomic("IMMEDIATE"):
                write(db)
        except Exception:  # the status row is a convenience; never let it stop sync
            log.warning("could not record the sync state", exc_info=True)
