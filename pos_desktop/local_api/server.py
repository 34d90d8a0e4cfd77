"""Run the POS API with uvicorn on its own thread; the till starts and stops it.

The socket is bound here (not by uvicorn) so a port already in use is a clear error at start,
and port 0 (tests) picks a free port that :attr:`ApiServer.port` reports.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import uvicorn
from fastapi import FastAPI

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


class ApiServerError(RuntimeError):
    """The API could not start; the message says why and what to change."""


class ApiServer:
    """``ApiServer(app).start()`` ... ``stop()``; also a context manager."""

    def __init__(self, app: FastAPI, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> ApiServer:
        """Bind and serve; returns once the server accepts connections.

        Raises:
            ApiServerError: the port is taken or the server did not come up.
        """
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError as err:
            sock.close()
            raise ApiServerError(
                f"The POS API cannot listen on {self.host}:{self.port} ({err.strerror}); "
                "another till or program uses that port: start with --api-port PORT."
            ) from err
        sock.listen(64)
        self._socket = sock
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app, log_level="warning", lifespan="off", access_log=False, loop="asyncio"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._serve, name="pos-api", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started and self._thread.is_alive():
            if time.monotonic() > deadline:
                break
            time.sleep(0.005)
        if not self._server.started:
            self.stop()
            raise ApiServerError(f"The POS API did not start on {self.url} within {timeout} s.")
        return self

    def _serve(self) -> None:
        asyncio.run(self._server.serve(sockets=[self._socket]))

    def stop(self, timeout: float = 5.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self) -> ApiServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
