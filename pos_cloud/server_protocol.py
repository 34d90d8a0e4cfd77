"""uvicorn's HTTP protocol with ``TCP_NODELAY`` on every accepted connection.

With ``--workers`` above 1, uvicorn binds the listening socket itself with ``proto`` 0;
accepted sockets inherit it, and asyncio only turns Nagle's algorithm off for sockets that
report ``IPPROTO_TCP``. Each keep-alive response then waits for the client's delayed ACK:
about 40 ms per request on Linux (uvicorn issue #3149). Measured here: a no-op batch
request took 48 ms with 2 workers and 4 ms with 1. Setting the option per connection fixes
every way the server can be started.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol

# What `uvicorn.run(http=...)` takes: an import string resolved in each worker process.
NODELAY_HTTP = "pos_cloud.server_protocol:NoDelayHTTPProtocol"


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    """uvicorn's default HTTP/1.1 protocol, sending each write at once."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
