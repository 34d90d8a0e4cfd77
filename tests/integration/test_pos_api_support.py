"""Helpers for the POS API tests: a real callback receiver and a till API on loopback."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pos_desktop.local_api import ApiServer
from pos_desktop.local_api.app import create_app
from pos_desktop.services.callbacks import CallbackWorker, RetryPolicy
from pos_desktop.services.pos_api import PosApiService, PosApiSettings
from pos_desktop.storage.db import open_database

FAST_RETRY = RetryPolicy(base_s=0.05, cap_s=0.2, max_attempts=50, timeout_s=2.0)


@dataclass
class Received:
    headers: dict[str, str]
    body: str

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class CallbackReceiver:
    """An http.server on 127.0.0.1 recording every POST; ``status`` is what it answers."""

    def __init__(self, port: int = 0) -> None:
        self.received: list[Received] = []
        self.status = 200
        self.got_one = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode()
                receiver.received.append(Received(dict(self.headers.items()), body))
                self.send_response(receiver.status)
                self.end_headers()
                receiver.got_one.set()

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def prefix(self) -> str:
        return f"http://127.0.0.1:{self.port}/pos/"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> CallbackReceiver:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@dataclass
class ApiEnv:
    """A till's POS API on loopback: the service, the HTTP server and the callback worker."""

    service: PosApiService
    server: ApiServer
    worker: CallbackWorker
    stopped: bool = field(default=False)

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> None:
        if not self.stopped:
            self.server.stop()
            self.worker.stop()
            self.stopped = True


def start_api(
    container,
    *,
    parking=None,
    settings: PosApiSettings | None = None,
    policy: RetryPolicy = FAST_RETRY,
    worker: bool = True,
) -> ApiEnv:
    service = PosApiService(container.db, container.settings, container.clock, settings)
    path = container.config.database_path
    cb = CallbackWorker(lambda: open_database(path, run_migrations=False), policy, seed=1)
    service.on_callback_queued(cb.wake)
    container.after_sale.use_payment_requests(service)  # a sale settles the request it paid
    if worker:
        cb.start()
    server = ApiServer(create_app(service, parking), port=0).start()
    return ApiEnv(service, server, cb)


def request_body(app: str, prefix: str, **over) -> dict:
    body = {
        "amount_minor": 1250,
        "currency": "EUR",
        "payment_types": ["card", "cash"],
        "callback_url": prefix + "result",
        "app_id": app,
        "api_version": "1",
        "reference": "WEB-1001",
        "description": "Order 1001",
    }
    body.update(over)
    return body
