"""Wake long polls when a store's feeds change, without asking the database while idle.

A till waiting on ``GET /v1/feed/...?wait=25`` used to read its store's counter every
100 ms: ten queries a second per waiting till, all day, even when nothing changed.

- **PostgreSQL**: every statement that takes change seqs also runs
  ``pg_notify('pos_cloud_changes', store_id)`` (see :data:`NOTIFY_SQL`); PostgreSQL delivers
  it when that transaction commits, to every listening connection, so every ``--workers``
  process (and a change made by ``pos-cloud import-products`` from a shell) wakes its
  waiters. Each process keeps one connection that only ``LISTEN``s, in a thread.
- **SQLite** (one process): a write marks its store (:func:`mark`); the request that made it
  wakes the waiters once its transaction is over (:func:`flush`). A write from another
  process (a CLI import) is seen by a fallback read of the counter every
  :data:`FALLBACK_POLL` seconds, so it still reaches the tills within 2 s.

While PostgreSQL's listener is down (the server restarted), waiters fall back to the same
slow poll until it is back.

The back office's worker (``web/worker.py``) sleeps the same way: it is an *observer* of the
hub, called on every store change and on :data:`BACKOFFICE_CHANNEL`, which an event batch
notifies in its transaction (``seq_tracking.lock_terminal``) and a webhook replay through
:func:`backoffice_changed`. In process the same happens through :func:`mark_backoffice`.
"""

from __future__ import annotations

import asyncio
import logging
import select
import threading
from collections import defaultdict

CHANNEL = "pos_cloud_changes"
FALLBACK_POLL = 1.0  # seconds; only on SQLite, or while the listener is down
NOTIFY_SQL = f"pg_notify('{CHANNEL}', %s)"
BACKOFFICE_CHANNEL = "pos_cloud_backoffice"  # till events stored, a webhook delivery queued
BACKOFFICE_NOTIFY_SQL = f"pg_notify('{BACKOFFICE_CHANNEL}', '')"

_log = logging.getLogger(__name__)
_pending = threading.local()


class Hub:
    """The waiters of this process, by store, and what wakes them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = (
            defaultdict(set)
        )
        self.listening = False  # True while a PostgreSQL listener is connected
        # Wakes handled and listener (dis)connections: a long poll that saw this number
        # unchanged from before its read until its registration missed no change (wakes_since).
        self._wakes = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._observers: list = []

    def observe(self, callback) -> None:
        """Call ``callback()`` (from any thread, so it must be quick) on every change."""
        with self._lock:
            self._observers.append(callback)

    def unobserve(self, callback) -> None:
        with self._lock:
            if callback in self._observers:
                self._observers.remove(callback)

    def wake_observers(self) -> None:
        """Tell the observers that something changed (a store, or back-office work)."""
        with self._lock:
            observers = list(self._observers)
        for callback in observers:
            callback()

    def register(self, store_id: str) -> tuple[asyncio.AbstractEventLoop, asyncio.Event]:
        """A fresh event that :meth:`wake` sets for ``store_id`` (call on the event loop)."""
        entry = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            self._waiters[store_id].add(entry)
        return entry

    def unregister(self, store_id: str, entry) -> None:
        """Forget a waiter (its request answered or went away)."""
        with self._lock:
            waiters = self._waiters.get(store_id)
            if waiters is not None:
                waiters.discard(entry)
                if not waiters:
                    del self._waiters[store_id]

    def wake(self, store_id: str) -> None:
        """Wake every waiter of ``store_id`` (from any thread)."""
        with self._lock:
            self._wakes += 1
            waiters = list(self._waiters.get(store_id, ()))
        self.wake_observers()
        for loop, event in waiters:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:  # that loop is closed: the server is stopping
                pass

    def wakes(self) -> int:
        """A mark to take before a long poll's read (see :meth:`missed_nothing_since`)."""
        with self._lock:
            return self._wakes

    def missed_nothing_since(self, mark: int) -> bool:
        """True when a waiter registered now cannot have missed a change committed after a
        read made after ``mark`` was taken, so it need not read the counter again.

        That holds while the PostgreSQL listener is connected and has handled no wake since
        ``mark``: a commit after the read notifies after it, and that notification either
        finds the waiter registered or is counted here. Without a listener (SQLite, or the
        connection lost) a change from another process wakes nobody: read again.
        """
        with self._lock:
            return self.listening and self._wakes == mark

    def _listener_changed(self, listening: bool) -> None:
        with self._lock:
            self.listening = listening
            self._wakes += 1  # notifications may have been lost while it was away

    def waiting(self) -> int:
        """How many waiters this process holds (for tests and diagnostics)."""
        with self._lock:
            return sum(len(w) for w in self._waiters.values())

    # --- PostgreSQL -------------------------------------------------------------------

    def start_listener(self, connect) -> None:
        """Listen on :data:`CHANNEL` in a daemon thread; ``connect()`` opens a psycopg2
        connection (reconnects after a failure)."""
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._listen, args=(connect,), name="pos-cloud-listen", daemon=True
        )
        self._thread.start()

    def stop_listener(self) -> None:
        """Stop the listener thread (the app is shutting down)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _listen(self, connect) -> None:
        while not self._stop.is_set():
            connection = None
            try:
                connection = connect()
                connection.autocommit = True
                connection.cursor().execute(f"LISTEN {CHANNEL}; LISTEN {BACKOFFICE_CHANNEL}")
                self._listener_changed(True)
                while not self._stop.is_set():
                    if select.select([connection], [], [], 0.5)[0]:
                        connection.poll()
                        while connection.notifies:
                            note = connection.notifies.pop(0)
                            if note.channel == CHANNEL:
                                self.wake(note.payload)
                            else:
                                self.wake_observers()
            except Exception as exc:  # noqa: BLE001 (any failure: poll slowly, reconnect)
                _log.warning("change listener lost its connection (%s); retrying", exc)
            finally:
                self._listener_changed(False)
                if connection is not None:
                    try:
                        connection.close()
                    except Exception:  # noqa: BLE001, S110 (already broken)
                        pass
            self._stop.wait(1.0)


hub = Hub()


def mark(store_id: str) -> None:
    """Note that this thread's transaction changed ``store_id`` (woken by :func:`flush`)."""
    stores = getattr(_pending, "stores", None)
    if stores is None:
        stores = _pending.stores = set()
    stores.add(store_id)


def mark_backoffice() -> None:
    """Note that this thread's transaction gave the back office's worker work."""
    _pending.backoffice = True


def backoffice_changed() -> None:
    """Wake every process's back-office worker when this transaction commits."""
    from .db import database_proxy, is_postgres

    if is_postgres():
        database_proxy.execute_sql(f"SELECT {BACKOFFICE_NOTIFY_SQL}")
    mark_backoffice()


def flush(committed: bool = True) -> None:
    """Wake the waiters of the stores this thread changed (after its transaction ended)."""
    stores = getattr(_pending, "stores", None)
    backoffice = getattr(_pending, "backoffice", False)
    if not stores and not backoffice:
        return
    _pending.stores = set()
    _pending.backoffice = False
    if not committed:
        return
    for store_id in stores or ():
        hub.wake(store_id)
    if backoffice and not stores:
        hub.wake_observers()
