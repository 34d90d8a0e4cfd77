"""Closing the till pushes the last sales first (``SyncWorker.flush``); offline they wait."""

from __future__ import annotations

from sync_helpers import cloud_fixture, make_till, seed_catalog, sell

from pos_desktop.storage import outbox
from pos_desktop.storage.sync_repo import load_credentials
from pos_desktop.sync.client import CloudClient
from pos_desktop.sync.pull import Puller
from pos_desktop.sync.worker import SyncWorker

flush_cloud = cloud_fixture("sqlite")


def test_flush_pushes_what_is_pending_before_the_till_closes(flush_cloud, ram_path):
    server, cloud = flush_cloud
    store = cloud.store("EUR")
    gtins = seed_catalog(store, 3)
    till = make_till(ram_path / "till", server.url, cloud.code(store))
    worker = SyncWorker(till.config.database_path, idle_push_interval=3600, backoff_cap=0.5)
    try:
        c = load_credentials(till.db)
        with CloudClient(c.cloud_url, c.token) as client:
            Puller(till.db, client).pull_all()
        till.catalog.forget_cached_rates()
        worker.start()
        sell(till, gtins[0], times=3)  # nobody nudged the worker: it would wait an hour
        assert worker.flush(timeout=10) is True
        assert outbox.pending(till.db) == []

        server.stop()
        sell(till, gtins[1])
        assert worker.flush(timeout=3) is False  # offline: the sale waits in the outbox
        assert len(outbox.pending(till.db)) == 1
    finally:
        server.start()
        worker.stop(timeout=5)
        till.close()
