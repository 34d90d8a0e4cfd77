"""Fixtures: a real uvicorn server on loopback over SQLite and PostgreSQL, and API helpers."""

from __future__ import annotations

import datetime as dt
import os
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
import uvicorn

from pos_cloud import auth
from pos_cloud.app import create_app
from pos_cloud.db import close_database, connection, throwaway_schema

PG_DSN = "postgresql://postgres@127.0.0.1:5432/test"
# Building an SSL context costs ~30 ms per httpx.Client; the tests only speak plain HTTP.
_SSL = ssl.create_default_context()


def _postgres_error() -> str | None:
    try:
        import psycopg2

        conn = psycopg2.connect(PG_DSN, connect_timeout=2)
        conn.close()
    except Exception as exc:  # any failure means: skip, and say why
        return f"PostgreSQL at {PG_DSN} is unreachable ({str(exc).strip().splitlines()[0]})"
    return None


def postgres_required() -> bool:
    """CI (``CI`` set) and ``.ci/run`` (``POS_REQUIRE_POSTGRES=1``) expect the server: there a
    missing PostgreSQL fails the tests instead of silently halving them."""
    return bool(os.environ.get("CI")) or os.environ.get("POS_REQUIRE_POSTGRES") == "1"


def skip_without_postgres() -> None:
    """Skip the calling test when PostgreSQL is unreachable, or fail when it is required."""
    reason = _postgres_error()
    if reason is None:
        return
    if postgres_required():
        pytest.fail(f"{reason}; it is required here (CI or POS_REQUIRE_POSTGRES=1)", False)
    pytest.skip(reason)


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a throw-away PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('cloud') / 'cloud.db'}"
        return
    skip_without_postgres()
    with throwaway_schema(PG_DSN, "pos_cloud_test") as url:
        yield url


@pytest.fixture(scope="module")
def server(request, database_url) -> Iterator[str]:
    """Run the real app with uvicorn in a thread; yield its base URL; stop it afterwards.

    A test module that counts the server's statements sets ``BACK_OFFICE_WORKER = False``:
    the web back office's background thread runs a fallback round every 5 s on SQLite.
    """
    worker = getattr(request.module, "BACK_OFFICE_WORKER", True)
    app = create_app(database_url, back_office_worker=worker)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Inherited by accepted sockets: without it uvicorn's separate header/body writes meet
    # delayed ACKs and every request costs 40 ms.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(500):
        if srv.started or not thread.is_alive():
            break
        time.sleep(0.01)
    assert srv.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=15)
        sock.close()
        close_database(app.state.database)
        assert not thread.is_alive(), "uvicorn thread did not stop"


@dataclass
class Till:
    """An enrolled terminal and an HTTP client carrying its token."""

    terminal_id: str
    store_id: str
    token: str
    client: httpx.Client
    next_seq: int = 1

    def event(self, type_: str = "note", payload: dict | None = None, seq: int | None = None):
        """A fresh event with the next seq."""
        if seq is None:
            seq, self.next_seq = self.next_seq, self.next_seq + 1
        return {
            "event_id": str(uuid.uuid4()),
            "seq": seq,
            "type": type_,
            "occurred_at": "2024-05-01T10:00:00Z",
            "payload": payload if payload is not None else {"n": seq},
            "journal_hash": f"h{seq}",
        }

    def push(self, events: list[dict]) -> httpx.Response:
        return self.client.post("/v1/events:batch", json={"events": events})


@dataclass
class Cloud:
    """Admin-side helpers against the running server."""

    base_url: str
    admin: httpx.Client
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        c = httpx.Client(base_url=self.base_url, headers=headers, timeout=30, verify=_SSL)
        self.clients.append(c)
        return c

    def store(self, currency: str = "EUR") -> str:
        r = self.admin.post("/v1/admin/stores", json={"name": "Shop", "currency": currency})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def code(self, store_id: str) -> str:
        r = self.admin.post(f"/v1/admin/stores/{store_id}/enrollment-codes", json={})
        assert r.status_code == 201, r.text
        return r.json()["code"]

    def till(self, store_id: str | None = None) -> Till:
        store_id = store_id or self.store()
        r = self.client().post(
            "/v1/enroll", json={"code": self.code(store_id), "terminal_name": "Lane 1"}
        )
        assert r.status_code == 200, r.text
        body = r.json()
        return Till(body["terminal_id"], store_id, body["token"], self.client(body["token"]))

    def product(self, store_id: str, sku: str, price: int = 199, gtins=()) -> dict:
        r = self.admin.put(
            f"/v1/admin/stores/{store_id}/products/{sku}",
            json={
                "name": f"Item {sku}",
                "price_minor": price,
                "tax_code": "A",
                "gtins": list(gtins),
            },
        )
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture(scope="module")
def cloud(server) -> Iterator[Cloud]:
    with connection():
        token = auth.create_admin_token("tests")
    admin = httpx.Client(
        base_url=server, headers={"Authorization": f"Bearer {token}"}, timeout=30, verify=_SSL
    )
    api = Cloud(server, admin)
    try:
        yield api
    finally:
        admin.close()
        for c in api.clients:
            c.close()


def sale_payload(currency: str = "EUR", sku: str = "A1", quantity: str = "2") -> dict:
    """A valid sale.completed payload: 2 x 1.50 paid cash with 2.00 change."""
    return {
        "sale_id": str(uuid.uuid4()),
        "receipt_number": 1,
        "currency": currency,
        "subtotal_minor": 252,
        "tax_minor": 48,
        "total_minor": 300,
        "completed_at": dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.UTC).isoformat(),
        "cashier": "ann",
        "lines": [
            {
                "line_id": str(uuid.uuid4()),
                "product_id": None,
                "sku": sku,
                "gtin": "04006381333931",
                "name": "Pen",
                "quantity": quantity,
                "unit_price_minor": 150,
                "line_total_minor": 300,
                "tax_minor": 48,
                "tax_code": "A",
            }
        ],
        "payments": [
            {
                "payment_id": str(uuid.uuid4()),
                "tender": "cash",
                "amount_minor": 500,
                "change_minor": 200,
            }
        ],
    }
