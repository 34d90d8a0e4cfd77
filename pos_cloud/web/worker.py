"""The back office's background thread: projections and webhook deliveries.

One daemon thread per server process, started and stopped with the app. Each round projects
new till events (so reports and webhooks follow within about a second) and sends due webhook
deliveries. Errors are logged and the round is retried; they never reach a request.
"""

from __future__ import annotations

import logging
import threading
import time

import httpx

from ..db import database_proxy
from . import accounts, projector, webhooks

log = logging.getLogger(__name__)
# Once a second: reports and webhooks follow within about a second (the live dashboard tiles
# read the sale rows directly and do not wait for this). Idle, a round is three small queries.
INTERVAL_S = 1.0
PRUNE_EVERY_S = 300.0  # expired sessions, old login attempts


class BackOfficeWorker:
    """Run :func:`projector.run_once` and :func:`webhooks.deliver_due` in a loop."""

    def __init__(self, interval_s: float = INTERVAL_S) -> None:
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="back-office", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
            self._thread = None

    def _run(self) -> None:
        pruned_at = 0.0
        with httpx.Client(follow_redirects=False, trust_env=False) as client:
            while not self._stop.is_set():
                try:
                    projector.run_once()
                    webhooks.deliver_due(client)
                    if time.monotonic() - pruned_at > PRUNE_EVERY_S:
                        with database_proxy.connection_context():
                            accounts.prune()
                        pruned_at = time.monotonic()
                except Exception:  # keep the thread alive; the next round retries
                    log.exception("back-office worker round failed")
                    self._stop.wait(2.0)
                self._stop.wait(self.interval_s)
