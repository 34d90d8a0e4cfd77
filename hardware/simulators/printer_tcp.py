"""A network ESC/POS printer on loopback: records jobs, answers ``DLE EOT`` mid-stream."""

from __future__ import annotations

import select
import socket
import struct
import threading
from collections.abc import Callable

from hardware.simulators.printer_model import PrinterModel

_POLL = 0.05  # how often the server thread checks for stop(); not a protocol timing


class SimulatedPrinter(PrinterModel):
    """A TCP ESC/POS printer simulator.

    Each accepted connection is one job; its bytes land in ``jobs`` when the client closes it
    (or when ``drop_after_bytes`` cuts it with a TCP reset, like a printer losing power).

    Args:
        host: Interface to listen on (loopback only in tests).
        port: 0 picks a free port; read ``port``/``uri`` after ``start()``.
        on_job: Called with each finished job's bytes, from the simulator thread.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        on_job: Callable[[bytes], None] | None = None,
    ):
        super().__init__()
        self.host = host
        self.port = port
        self.on_job = on_job
        self.jobs: list[bytes] = []
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def uri(self) -> str:
        """``tcp://HOST:PORT`` for this simulator."""
        return f"tcp://{self.host}:{self.port}"

    def start(self) -> SimulatedPrinter:
        """Bind, listen and serve in a daemon thread; returns self."""
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((self.host, self.port))
        server.listen(4)
        self.port = server.getsockname()[1]
        self._server = server
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name="sim-printer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and join the thread; safe to call twice."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._server is not None:
            self._server.close()
            self._server = None

    def __enter__(self) -> SimulatedPrinter:
        return self.start() if self._thread is None else self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _serve(self) -> None:
        while not self._stop.is_set():
            if not select.select([self._server], [], [], _POLL)[0]:
                continue
            try:
                conn, _addr = self._server.accept()
            except OSError:
                continue
            with conn:
                self._finish(self._handle(conn))

    def _handle(self, conn: socket.socket) -> bytes:
        job = bytearray()
        while not self._stop.is_set():
            if not select.select([conn], [], [], _POLL)[0]:
                continue
            try:
                data = conn.recv(4096)
            except OSError:
                break
            if not data:
                break
            limit = self.drop_after_bytes
            if limit is not None and len(job) + len(data) >= limit:
                job += data[: max(0, limit - len(job))]
                # SO_LINGER 0 makes close() send RST: the client sees a dead link, not a clean end
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                break
            job += data
            replies = self.feed(data)
            if replies:
                try:
                    conn.sendall(replies)
                except OSError:
                    break
        return bytes(job)

    def _finish(self, job: bytes) -> None:
        if not job:
            return
        self.jobs.append(job)
        self._notify()
        if self.on_job is not None:
            self.on_job(job)
