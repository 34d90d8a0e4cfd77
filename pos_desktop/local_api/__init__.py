"""Inbound adapter: the till's POS API on localhost for other apps (payment requests, orders).

``start_pos_api(service, parking=None, host=..., port=...)`` is what the composition root calls.
"""

from __future__ import annotations

from pos_desktop.services.pos_api import PosApiService

from .server import DEFAULT_HOST, DEFAULT_PORT, ApiServer, ApiServerError


def start_pos_api(
    service: PosApiService, parking=None, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT
) -> ApiServer:
    """Build the app and serve it on its own thread; ``stop()`` the result on exit."""
    from .app import create_app

    return ApiServer(create_app(service, parking), host, port).start()


__all__ = ["ApiServer", "ApiServerError", "DEFAULT_HOST", "DEFAULT_PORT", "start_pos_api"]
