"""FastAPI dependencies: per-request database connection and credential checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from . import change_notify
from .admin_tokens import AdminScope
from .auth import authenticate_terminal, check_admin_token
from .db import connection
from .errors import Unauthorized
from .models import Terminal

T = TypeVar("T")

_bearer = HTTPBearer(auto_error=False, description="Terminal token (pct_...) or admin token")


def in_db(fn: Callable[..., T], *args, **kwargs) -> T:
    """Run ``fn`` with a database connection open on this thread; then wake the long polls
    of the stores it changed (its transactions are over by then)."""
    try:
        with connection():
            result = fn(*args, **kwargs)
    except BaseException:
        change_notify.flush(committed=False)
        raise
    change_notify.flush()
    return result


def _token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized("Send 'Authorization: Bearer <token>'.")
    return credentials.credentials


async def terminal_token(
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> str:
    """The bearer token, checked later inside the route's own database work.

    For hot routes: checking the token there saves a worker-thread hop and a second pooled
    connection per request (see :func:`as_terminal`).
    """
    return _token(credentials)


def as_terminal(token: str, fn: Callable[..., T], *args, **kwargs) -> T:
    """Run ``fn(terminal, *args)`` for the live terminal behind ``token``, in one connection."""
    return in_db(lambda: fn(authenticate_terminal(token), *args, **kwargs))


def current_terminal(
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> Terminal:
    """The live terminal behind the bearer token (every terminal route is scoped to it)."""
    return in_db(authenticate_terminal, _token(credentials))


def require_admin(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> AdminScope:
    """Refuse the request unless a live admin token covers it; the token's scope.

    A read-only token may only read; a store-scoped token may only name its own store in the
    path (``store_id``). Routes that reach a store another way (a terminal id) or every store
    check the scope themselves (it is also in ``request.state.admin_scope``).
    """
    scope = in_db(check_admin_token, _token(credentials))
    scope.check_method(request.method)
    store_id = request.path_params.get("store_id")
    if store_id is not None:
        scope.check_store(store_id)
    request.state.admin_scope = scope
    return scope
