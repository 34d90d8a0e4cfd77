"""pos-cloud's security chores: admin tokens, the quarantine listing, secrets kept off the
command line, forwarded headers trusted only from named proxies, docs behind a setting."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from pos_cloud.app import create_app
from pos_cloud.cli import main
from pos_cloud.db import connection, init_database
from pos_cloud.models import AdminToken


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'cloud.db'}"


def _out(capsys) -> list[str]:
    return capsys.readouterr().out.strip().splitlines()


def test_admin_token_create_list_revoke(db_url, capsys):
    assert main(["create-store", "--name", "A", "--database", db_url]) == 0
    store = _out(capsys)[-1]
    argv = ["admin-token", "create", "--label", "till shop", "--store", store, "--read-only"]
    assert main([*argv, "--database", db_url]) == 0
    first, token = _out(capsys)
    assert token.startswith("pca_") and "read-only" in first and store in first
    token_id = int(first.split()[2])
    init_database(db_url)
    with connection():
        assert token not in {row.token_hash for row in AdminToken.select()}  # hashed at rest
    assert main(["admin-token", "list", "--database", db_url]) == 0
    listed = capsys.readouterr().out
    assert token not in listed  # shown once, never again
    line = next(x for x in listed.splitlines() if x.startswith(f"{token_id}\t"))
    assert "live" in line and "read-only" in line and f"store {store}" in line
    assert "till shop" in line
    assert main(["admin-token", "revoke", str(token_id), "--database", db_url]) == 0
    assert main(["admin-token", "list", "--database", db_url]) == 0
    line = next(x for x in _out(capsys) if x.startswith(f"{token_id}\t"))
    assert "revoked" in line
    assert main(["admin-token", "revoke", "999", "--database", db_url]) == 2
    assert "No admin token with id 999" in capsys.readouterr().err


def test_admin_token_for_an_unknown_store_is_refused(db_url, capsys):
    assert main(["admin-token", "create", "--store", "nope", "--database", db_url]) == 2
    assert "No store with id nope" in capsys.readouterr().err


def test_quarantine_command_lists_rejected_events(db_url, capsys):
    from pos_cloud import auth, ingest
    from pos_cloud.models import Terminal

    assert main(["create-store", "--name", "A", "--database", db_url]) == 0
    store = _out(capsys)[-1]
    assert main(["quarantine", "--store", store, "--database", db_url]) == 0
    assert _out(capsys) == ["No quarantined events."]
    init_database(db_url)
    with connection():
        code, _ = auth.create_enrollment_code(store)
        token = auth.enroll(code, "Lane 1")["token"]
        terminal = auth.authenticate_terminal(token)
        bad = {"event_id": "x", "seq": 4, "type": "note", "occurred_at": "2024-01-01T00:00Z"}
        result = ingest.ingest_batch(terminal, [{**bad, "payload": {}}])
        assert result["results"][0]["status"] == "rejected"
        terminal_id = Terminal.get().id
    assert main(["quarantine", "--store", store, "--database", db_url]) == 0
    (line,) = _out(capsys)
    assert f"terminal {terminal_id}" in line and "seq 4" in line and "event_id" in line


def test_database_url_from_the_environment_and_a_warning_for_a_password(
    db_url, capsys, monkeypatch
):
    monkeypatch.setenv("POS_CLOUD_DATABASE", db_url)
    assert main(["create-store", "--name", "From env"]) == 0
    capsys.readouterr()
    init_database(db_url)
    with connection():
        from pos_cloud.models import Store

        assert Store.get().name == "From env"
    url = "postgresql://pos:secret@127.0.0.1:1/none"
    main(["migrate", "--database", url])
    assert "password on the command line" in capsys.readouterr().err


def _serve(db_url: str, *extra: str) -> tuple[subprocess.Popen, int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "pos_cloud.cli", "serve", "--database", db_url]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--access-log", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1)
            return server, port
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise AssertionError("pos-cloud serve did not start")


def _client_seen_by_the_server(db_url: str, *extra: str) -> str:
    server, port = _serve(db_url, *extra)
    try:
        headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
        assert httpx.get(f"http://127.0.0.1:{port}/v1/health", headers=headers).status_code == 200
    finally:
        server.send_signal(signal.SIGINT)
        log, _ = server.communicate(timeout=30)
    # The last request is ours (the ones before polled for the start).
    return [line for line in log.splitlines() if "/v1/health" in line][-1]


def test_forwarded_headers_are_ignored_unless_the_proxy_is_trusted(db_url):
    # By default no proxy is trusted: a local process cannot pose as any client.
    assert "203.0.113.9" not in _client_seen_by_the_server(db_url)
    assert "203.0.113.9" in _client_seen_by_the_server(db_url, "--trusted-proxy", "127.0.0.1")


def test_docs_pages_are_served_only_with_the_setting(db_url):
    with TestClient(create_app(db_url)) as closed:
        assert closed.get("/docs").status_code == 404
        assert closed.get("/openapi.json").status_code == 401
    with TestClient(create_app(db_url, public_docs=True)) as public:
        assert public.get("/docs").status_code == 200
        assert public.get("/redoc").status_code == 200
        assert "/v1/events:batch" in public.get("/openapi.json").json()["paths"]
