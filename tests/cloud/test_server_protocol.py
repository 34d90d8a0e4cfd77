"""Accepted connections get TCP_NODELAY even on a listener bound with proto 0.

That is how uvicorn binds the socket for ``--workers`` above 1 (uvicorn issue #3149): asyncio
then leaves Nagle's algorithm on, and each keep-alive response waited ~40 ms for the client's
delayed ACK. The check runs uvicorn's protocol on a real loopback connection.
"""

from __future__ import annotations

import asyncio
import socket

import uvicorn
from uvicorn.server import ServerState

from pos_cloud.server_protocol import NODELAY_HTTP


async def _nodelay_of_accepted(http: str) -> int:
    async def app(scope, receive, send):  # pragma: no cover - no request is sent
        raise AssertionError("no request expected")

    config = uvicorn.Config(app, http=http, lifespan="off", log_level="warning")
    config.load()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # proto 0, as uvicorn binds
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[asyncio.Protocol] = []

    def factory() -> asyncio.Protocol:
        protocol = config.http_protocol_class(
            config=config, server_state=ServerState(), app_state={}
        )
        accepted.append(protocol)
        return protocol

    server = await asyncio.get_running_loop().create_server(factory, sock=listener)
    try:
        _, writer = await asyncio.open_connection(*listener.getsockname())
        for _ in range(200):
            if accepted and getattr(accepted[0], "transport", None) is not None:
                break
            await asyncio.sleep(0.01)
        sock = accepted[0].transport.get_extra_info("socket")
        value = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        writer.close()
        return value
    finally:
        for protocol in accepted:
            protocol.transport.close()
        server.close()
        await server.wait_closed()


def test_accepted_connections_send_without_delay():
    assert asyncio.run(_nodelay_of_accepted(NODELAY_HTTP)) != 0


def test_plain_uvicorn_protocol_leaves_nagle_on_for_such_a_listener():
    # The condition the fix is for: if this ever passes asyncio/uvicorn fixed it themselves.
    assert asyncio.run(_nodelay_of_accepted("h11")) == 0
