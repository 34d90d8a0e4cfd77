"""Fixtures for till <-> cloud sync: a restartable real cloud on loopback, a fault-injecting
HTTP proxy, and tills built with the production container."""

from __future__ import annotations

import http.client
import os
import random
import shutil
import socket
import struct
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from pos_cloud import auth
from pos_cloud.app import create_app
from pos_cloud.catalog import ProductInput, new_product_id, upsert_products, upsert_tax_rate
from pos_cloud.db import close_database, connection, throwaway_schema
from pos_desktop.config import TillConfig
from pos_desktop.container import Overrides, build_container
from pos_desktop.domain.money import Money
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.storage import sync_repo
from tests.cloud.conftest import _SSL, PG_DSN, Cloud, skip_without_postgres
from tests.conftest import FixedClock


class CloudServer:
    """The real pos_cloud app under uvicorn in a thread; can be stopped and restarted on the
    same port (the till sees connection refused in between)."""

    def __init__(self, database_url: str) -> None:
        self.app = create_app(database_url)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", self.port))
        config = uvicorn.Config(
            self.app, log_level="warning", lifespan="on", timeout_graceful_shutdown=2
        )
        self._server = uvicorn.Server(config)
        self._sock = sock
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        for _ in range(500):
            if self._server.started or not self._thread.is_alive():
                break
            time.sleep(0.01)
        assert self._server.started, "uvicorn did not start"

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=15)
        self._sock.close()
        assert not self._thread.is_alive(), "uvicorn thread did not stop"
        self._server = None


def _database_url(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        folder = tempfile.mkdtemp(
            prefix="pos-cloud-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None
        )
        try:
            yield f"sqlite:///{folder}/cloud.db"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    skip_without_postgres()
    with throwaway_schema(PG_DSN, "pos_sync_test") as url:
        yield url


def running_cloud(kind: str):
    """Yield a (CloudServer, Cloud admin helper) pair on a fresh database, then stop it.

    One at a time per process: the cloud's database handle is process-wide.
    """
    for url in _database_url(kind):
        server = CloudServer(url)
        server.start()
        with connection():
            token = auth.create_admin_token("sync-tests")
        admin = httpx.Client(
            base_url=server.url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
            verify=_SSL,
        )
        api = Cloud(server.url, admin)
        try:
            yield server, api
        finally:
            admin.close()
            for c in api.clients:
                c.close()
            server.stop()
            close_database(server.app.state.database)


def cloud_fixture(kind: str):
    """A module-scoped (CloudServer, Cloud admin helper) pair on a fresh database."""

    @pytest.fixture(scope="module")
    def fixture():
        yield from running_cloud(kind)

    return fixture


sqlite_cloud = cloud_fixture("sqlite")


def seed_catalog(store_id: str, count: int, start: int = 1, price: int = 250) -> list[str]:
    """Tax rates A (20 %) and B plus ``count`` products with demo EAN-13s; returns the GTINs."""
    with connection():
        upsert_tax_rate(store_id, "A", "Standard", 2000)
        upsert_tax_rate(store_id, "B", "Reduced", 550)
        gtins = [demo_ean13(n) for n in range(start, start + count)]
        items = [
            ProductInput(f"S{n}", f"Cloud item {n}", price, "A", (gtins[n - start],))
            for n in range(start, start + count)
        ]
        for i in range(0, len(items), 2000):
            upsert_products(store_id, items[i : i + 2000])
    return gtins


def bulk_seed_catalog(store_id: str, count: int, price: int = 250) -> list[str]:
    """Like :func:`seed_catalog` but fast: rows inserted in bulk with change seqs reserved the
    way the server reserves them (``next_change_seqs`` in the same transaction) and product
    ids from the cloud's own generator (``catalog.new_product_id``), as real products get."""
    from pos_cloud.db import database_proxy
    from pos_cloud.feeds import next_change_seqs
    from pos_cloud.models import Barcode, Product

    with connection():
        upsert_tax_rate(store_id, "A", "Standard", 2000)
        upsert_tax_rate(store_id, "B", "Reduced", 550)
        gtins = [demo_ean13(n) for n in range(1, count + 1)]
        with database_proxy.atomic():
            first = next_change_seqs(store_id, 2 * count)
            products, barcodes = [], []
            for i, gtin in enumerate(gtins):
                pid = new_product_id()
                products.append(
                    (pid, store_id, f"S{i + 1}", f"Cloud item {i + 1}", price, "A", True)
                    + (first + 2 * i, False)
                )
                barcodes.append((store_id, "0" + gtin, pid, first + 2 * i + 1, False))
            # Rows as tuples with the field list: peewee turns dicts into SQL far more slowly
            # (1M products seeded in 160 s with dicts).
            product_fields = [Product.id, Product.store, Product.sku, Product.name]
            product_fields += [Product.price_minor, Product.tax_code, Product.active]
            product_fields += [Product.change_seq, Product.deleted]
            barcode_fields = [Barcode.store, Barcode.gtin, Barcode.product]
            barcode_fields += [Barcode.change_seq, Barcode.deleted]
            for i in range(0, count, 500):
                Product.insert_many(products[i : i + 500], fields=product_fields).execute()
                Barcode.insert_many(barcodes[i : i + 500], fields=barcode_fields).execute()
    return gtins


def make_till(data_dir: Path, cloud_url: str, code: str, name: str = "Lane 1"):
    """A demo-store till (EUR, no printer) enrolled through the real CLI code path."""
    from argparse import Namespace

    from pos_desktop.cli.admin_sync import run_enroll

    container = build_container(
        TillConfig(data_dir=data_dir, demo=True), Overrides(clock=FixedClock())
    )
    args = Namespace(data_dir=data_dir, cloud=cloud_url, code=code, name=name, force=False)
    assert run_enroll(args) == 0
    return container


def sell(till, gtin: str, times: int = 1):
    """Ring up ``times`` sales of one item each through the real checkout service."""
    from tests.conftest import open_test_shift

    open_test_shift(till)  # a till sells in a shift only
    sales = []
    for _ in range(times):
        result = till.checkout.scan(gtin)
        assert result.ok, result.message
        total = till.checkout.totals().total
        sales.append(till.checkout.pay_cash(Money(total.amount_minor, total.currency)))
    return sales


def creds(till) -> sync_repo.Credentials:
    found = sync_repo.load_credentials(till.db)
    assert found is not None
    return found


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Poll ``predicate`` (for background threads; not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


# --- fault-injecting HTTP proxy -----------------------------------------------------------------

FAULTS = ("ok", "500", "reset", "delay", "duplicate", "drop_response")


class FaultProxy:
    """An HTTP/1.1 proxy on loopback that forwards to ``upstream`` and misbehaves on purpose.

    ``choose(method, path) -> fault`` picks per request: ``ok``; ``500`` (not forwarded);
    ``reset`` (connection reset before forwarding); ``delay`` (sleep, then forward);
    ``duplicate`` (forwarded twice, second answer returned); ``drop_response`` (forwarded, the
    server commits, then the connection is reset instead of answering).
    """

    def __init__(self, upstream_port: int, choose: Callable[[str, str], str]) -> None:
        self._upstream = upstream_port
        self.choose = choose
        self.counts: dict[str, int] = dict.fromkeys(FAULTS, 0)
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._clients: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closing = False
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def close(self) -> None:
        self._closing = True
        self._listener.close()
        with self._lock:
            for c in list(self._clients):
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        self._acceptor.join(5)
        for t in self._threads:
            t.join(5)
        assert not any(t.is_alive() for t in self._threads), "proxy threads still running"

    def _accept(self) -> None:
        while not self._closing:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._clients.add(conn)
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(t)
            t.start()

    def _serve(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        try:
            while not self._closing:
                request = _read_request(reader)
                if request is None:
                    return
                method, path, headers, body = request
                fault = self.choose(method, path)
                with self._lock:
                    self.counts[fault] += 1
                if fault == "500":
                    conn.sendall(_raw_response(500, b'{"detail":"injected failure"}'))
                    continue
                if fault == "reset":
                    _reset(conn)
                    return
                if fault == "delay":
                    time.sleep(0.2)
                if fault == "duplicate":
                    self._forward(method, path, headers, body)
                status, payload = self._forward(method, path, headers, body)
                if fault == "drop_response":
                    _reset(conn)
                    return
                conn.sendall(_raw_response(status, payload))
        except OSError:
            return
        finally:
            with self._lock:
                self._clients.discard(conn)
            reader.close()
            conn.close()

    def _forward(self, method, path, headers, body) -> tuple[int, bytes]:
        upstream = http.client.HTTPConnection("127.0.0.1", self._upstream, timeout=60)
        upstream.connect()
        upstream.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            keep = {k: v for k, v in headers.items() if k.lower() not in ("connection", "host")}
            upstream.request(method, path, body=body, headers=keep)
            response = upstream.getresponse()
            return response.status, response.read()
        finally:
            upstream.close()


def _read_request(reader) -> tuple[str, str, dict[str, str], bytes] | None:
    line = reader.readline()
    if not line:
        return None
    method, path, _ = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while True:
        h = reader.readline().decode("latin-1")
        if h in ("\r\n", "\n", ""):
            break
        key, value = h.split(":", 1)
        headers[key.strip()] = value.strip()
    length = int(headers.get("Content-Length") or headers.get("content-length") or 0)
    return method, path, headers, reader.read(length) if length else b""


def _raw_response(status: int, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _reset(conn: socket.socket) -> None:
    # SO_LINGER 0: close sends RST, so the client sees "connection reset", not a clean EOF.
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def random_faults(seed: int, weights: dict[str, float]) -> Callable[[str, str], str]:
    rng = random.Random(seed)
    names, w = list(weights), list(weights.values())
    lock = threading.Lock()

    def choose(method: str, path: str) -> str:
        with lock:
            return rng.choices(names, w)[0]

    return choose
