"""The back office's background thread: projections, webhook deliveries, receipt e-mails.

One daemon thread per server process, started and stopped with the app. A round projects new
till events (reports, webhooks), checks the stock of stores whose stock changed (the
``stock.low`` webhook, stock_alerts.py) and sends due webhook deliveries. Between rounds the thread
sleeps without touching the database until something wakes it (change_notify.py):

- a till's event batch or a catalogue change commits: PostgreSQL's NOTIFY reaches every
  process; on SQLite the request that wrote wakes this process's worker;
- a webhook delivery waiting for its retry becomes due (the round ends by reading when);
- every :data:`PRUNE_EVERY_S` it prunes expired sessions and old login attempts.

Where no notification can arrive (SQLite, written by another process such as a CLI import; or
PostgreSQL while the listener reconnects) it also runs a round every :data:`FALLBACK_S`
(SQLite) or every second (listener down). Errors are logged and the round is retried; they
never reach a request.
"""

from __future__ import annotations

import logging
import threading
import time

import httpx

from .. import change_notify, receipt_mail
from ..db import database_proxy, is_postgres
from . import accounts, projector, stock_alerts, webhooks

log = logging.getLogger(__name__)
PRUNE_EVERY_S = 300.0  # expired sessions, old login attempts
FALLBACK_S = 5.0  # SQLite: catches writes of other processes (a CLI product import)
LISTENER_DOWN_S = 1.0  # PostgreSQL while the listener (re)connects


class BackOfficeWorker:
    """Run :func:`projector.run_once` and :func:`webhooks.deliver_due` when woken."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.rounds = 0  # for tests and diagnostics
        self._stock = stock_alerts.StockCheck()

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            change_notify.hub.observe(self.wake)
            self._thread = threading.Thread(target=self._run, name="back-office", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        change_notify.hub.unobserve(self.wake)
        if self._thread is not None:
            self._thread.join(timeout=15)
            self._thread = None

    def wake(self) -> None:
        """Run a round now (from any thread)."""
        self._wake.set()

    def _run(self) -> None:
        pruned_at = time.monotonic()
        prune = True
        with httpx.Client(follow_redirects=False, trust_env=False) as client:
            while not self._stop.is_set():
                # Cleared before the round: a wake during the round runs another one.
                self._wake.clear()
                due_in = None
                try:
                    projector.run_once()
                    stock_due = self._stock.run_once()  # after stock changed: stock.low
                    webhooks.deliver_due(client)
                    receipt_mail.send_due()
                    with database_proxy.connection_context():
                        if prune:
                            accounts.prune()
                            pruned_at = time.monotonic()
                        due_in = _earliest(webhooks.next_due_in(), receipt_mail.next_due_in())
                    if stock_due is not None:
                        due_in = stock_due if due_in is None else min(due_in, stock_due)
                    self.rounds += 1
                except Exception:  # keep the thread alive; the next round retries
                    log.exception("back-office worker round failed")
                    due_in = 2.0
                timeout = self._sleep_for(due_in, pruned_at)
                self._wake.wait(timeout)
                prune = time.monotonic() - pruned_at >= PRUNE_EVERY_S

    @staticmethod
    def _sleep_for(due_in: float | None, pruned_at: float) -> float:
        timeout = max(PRUNE_EVERY_S - (time.monotonic() - pruned_at), 0.0)
        if due_in is not None:
            timeout = min(timeout, max(due_in, 0.5))  # a lease of another process
        if not is_postgres(database_proxy.obj):
            timeout = min(timeout, FALLBACK_S)
        elif not change_notify.hub.listening:
            timeout = min(timeout, LISTENER_DOWN_S)
        return timeout


def _earliest(*due: float | None) -> float | None:
    known = [d for d in due if d is not None]
    return min(known) if known else None
