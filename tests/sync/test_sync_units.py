"""Backoff, the status text, the lease, tombstones and 409 resync, the CLI exit codes."""

from __future__ import annotations

from argparse import ArgumentParser, Namespace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sync_helpers import cloud_fixture, creds, make_till, seed_catalog, sell

from pos_common.backoff import Backoff
from pos_desktop.cli import admin_sync
from pos_desktop.storage import sync_repo
from pos_desktop.storage.db import open_database
from pos_desktop.sync.client import CloudClient
from pos_desktop.sync.pull import Puller
from pos_desktop.sync.worker import SyncStatus

units_cloud = cloud_fixture("sqlite")


@given(st.integers(min_value=1, max_value=80), st.floats(min_value=0, max_value=1))
def test_backoff_doubles_with_jitter_and_is_capped(failures, draw):
    backoff = Backoff(base=0.5, cap=60.0, rng=lambda: draw)
    delays = [backoff.next_delay() for _ in range(failures)]
    for n, delay in enumerate(delays):
        ceiling = min(60.0, 0.5 * 2**n)
        assert ceiling / 2 <= delay <= ceiling
    backoff.reset()
    assert backoff.next_delay() <= 0.5


def test_status_text():
    from pos_desktop.ui.widgets.sync_indicator import describe

    at = datetime(2026, 11, 26, 12, 4, tzinfo=UTC)
    text, _ = describe(SyncStatus(online=True, pending=0, last_success_at=at))
    assert text.startswith("Cloud: online · 0 pending · synced ")
    text, tip = describe(SyncStatus(online=False, pending=37, last_error="cannot reach"))
    assert text == "Cloud: OFFLINE · 37 pending (selling continues)" and "cannot reach" in tip
    text, _ = describe(SyncStatus(online=True, parked=2, parked_reasons=("#3 sale: bad",)))
    assert text.endswith("· 2 parked: #3 sale: bad")


def test_indicator_widget_polls_the_worker(qtbot):
    from pos_desktop.ui.widgets.sync_indicator import SyncIndicator

    current = [SyncStatus(online=False, pending=3)]
    label = SyncIndicator(lambda: current[0])
    qtbot.addWidget(label)
    assert "OFFLINE · 3 pending" in label.text()
    current[0] = SyncStatus(online=True, pending=0)
    qtbot.waitUntil(lambda: label.text().startswith("Cloud: online"), timeout=3000)
    label.stop()


def test_lease_is_exclusive_until_released_or_expired(tmp_path):
    db = open_database(tmp_path / "till.sqlite")
    try:
        assert sync_repo.acquire_lease(db, "a", ttl_s=60, now_s=1000)
        assert not sync_repo.acquire_lease(db, "b", ttl_s=60, now_s=1010)
        assert sync_repo.acquire_lease(db, "a", ttl_s=60, now_s=1010)  # renewal
        assert sync_repo.lease_holder(db, now_s=1020) == "a"
        assert sync_repo.acquire_lease(db, "b", ttl_s=60, now_s=1071)  # a's lease expired
        sync_repo.release_lease(db, "a")  # not the holder: no effect
        assert sync_repo.lease_holder(db, now_s=1072) == "b"
        sync_repo.release_lease(db, "b")
        assert sync_repo.acquire_lease(db, "a", ttl_s=60, now_s=1073)
    finally:
        db.close()


def test_tombstones_price_changes_and_cursor_ahead_resync(units_cloud, ram_path):
    server, cloud = units_cloud
    store = cloud.store("EUR")
    gtins = seed_catalog(store, 5)
    till = make_till(ram_path / "till", server.url, cloud.code(store))
    try:
        c = creds(till)
        with CloudClient(c.cloud_url, c.token) as client:
            puller = Puller(till.db, client)
            puller.pull_all()
            assert cloud.admin.delete(f"/v1/admin/stores/{store}/products/S2").status_code == 204
            assert cloud.admin.put(
                f"/v1/admin/stores/{store}/products/S3/price", json={"price_minor": 999}
            ).is_success
            puller.pull_all()
            till.catalog.forget_cached_rates()
            assert till.catalog.find_by_gtin("0" + gtins[1]) is None  # deleted: gone
            assert till.catalog.find_by_sku("S2") is None  # deactivated
            assert till.catalog.find_by_gtin("0" + gtins[2]).unit_price_minor == 999
            # The cloud was restored from an older backup: 409, then a full resync.
            with till.db.atomic():
                sync_repo.set_cursor(till.db, "products", "999999", datetime.now(UTC))
            assert puller.pull_stream("products") == 5
            assert int(sync_repo.get_cursor(till.db, "products")) < 999999
    finally:
        till.close()


def _harness() -> ArgumentParser:
    parser = ArgumentParser(prog="pos-admin")
    parser.add_argument("--data-dir", type=Path, required=True)
    admin_sync.add_subcommands(parser.add_subparsers(dest="command", required=True))
    return parser


def _run(*argv: str) -> int:
    args = _harness().parse_args(list(argv))
    return args.handler(args)


def test_cli_enroll_status_and_sync_now(units_cloud, ram_path, capsys):
    server, cloud = units_cloud
    store = cloud.store("EUR")
    gtins = seed_catalog(store, 3)
    data = str(ram_path / "till")
    assert _run("--data-dir", data, "sync", "status") == 1
    assert "not enrolled" in capsys.readouterr().err
    assert _run("--data-dir", data, "enroll", "--cloud", "ftp://x", "--code", "A") == 2
    assert "not a cloud URL" in capsys.readouterr().err
    assert _run("--data-dir", data, "enroll", "--cloud", "http://cloud.shop", "--code", "A") == 2
    assert "use https://" in capsys.readouterr().err
    assert _run("--data-dir", data, "enroll", "--cloud", server.url, "--code", "NOPE-NOPE") == 1
    assert "refused the code" in capsys.readouterr().err

    till = make_till(ram_path / "till", server.url, cloud.code(store))
    try:
        assert _run("--data-dir", data, "enroll", "--cloud", server.url, "--code", "X") == 2
        assert "already enrolled" in capsys.readouterr().err
        assert _run("--data-dir", data, "sync", "now") == 0
        assert "products 3" in capsys.readouterr().out
        till.catalog.forget_cached_rates()
        sell(till, gtins[0], times=2)
        assert _run("--data-dir", data, "sync", "status") == 0
        out = capsys.readouterr().out
        assert "Online: yes" in out and "Pending: 3" in out  # the shift's opening, 2 sales
        assert _run("--data-dir", data, "sync", "now") == 0
        assert "Pushed 3 events, parked 0." in capsys.readouterr().out
        server.stop()
        try:
            assert _run("--data-dir", data, "sync", "status") == 0
            assert "Online: no" in capsys.readouterr().out
        finally:
            server.start()
    finally:
        till.close()


def test_enroll_needs_no_network_for_bad_input(tmp_path, capsys):
    args = Namespace(
        data_dir=tmp_path, cloud="https://c.example", code="  ", name=None, force=False
    )
    assert admin_sync.run_enroll(args) == 2
    assert "--code is empty" in capsys.readouterr().err


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/", "https://cloud.example.com"])
def test_cloud_urls_that_are_accepted(url):
    assert admin_sync.check_cloud_url(url) == url.rstrip("/")
