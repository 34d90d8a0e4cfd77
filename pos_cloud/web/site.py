"""Shared pieces of the back-office pages: templates, the signed-in viewer, CSRF, store access."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from ..db import connection
from ..errors import CloudError, NotFound
from ..models import Store
from . import accounts, money
from .accounts import Viewer

SESSION_COOKIE = "pos_session"
LOGIN_CSRF_COOKIE = "pos_login_csrf"
HERE = Path(__file__).parent

templates = Jinja2Templates(directory=str(HERE / "templates"))  # autoescape on for .html
templates.env.filters["money"] = money.display
templates.env.filters["decimal"] = money.decimal_text


def _when(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.strftime("%Y-%m-%d %H:%M:%S") + " UTC"


templates.env.filters["when"] = _when


def _quantity(micro: int) -> str:
    text = f"{micro / 1_000_000:.6f}".rstrip("0").rstrip(".")
    return text or "0"


templates.env.filters["quantity"] = _quantity


class LoginRequired(Exception):
    """No live session: the handler sends the browser to the sign-in page."""


class CsrfFailed(CloudError):
    status_code = 403


class Forbidden(CloudError):
    status_code = 403


def cookie_is_secure(request: Request) -> bool:
    """Secure cookies except on plain-HTTP loopback (development and the tests).

    Behind the TLS proxy the scheme is https (X-Forwarded-Proto). On plain HTTP on another
    host a browser drops the cookie, so signing in fails rather than sending it in clear.
    """
    if request.url.scheme == "https":
        return True
    return request.url.hostname not in ("127.0.0.1", "localhost", "::1")


def current_viewer(request: Request) -> Viewer:
    """The signed-in viewer, or LoginRequired."""
    with connection():
        viewer = accounts.viewer_for(request.cookies.get(SESSION_COOKIE))
    if viewer is None:
        raise LoginRequired()
    request.state.viewer = viewer
    return viewer


async def csrf_viewer(request: Request, viewer: Viewer = Depends(current_viewer)) -> Viewer:
    """The viewer of a state-changing request whose synchronizer token matches the session's."""
    sent = request.headers.get("X-CSRF-Token")
    if not sent:
        form = await request.form()
        sent = form.get("csrf_token")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, viewer.csrf_token):
        raise CsrfFailed("The form expired or did not come from this site; reload the page.")
    return viewer


def login_csrf(request: Request) -> str:
    """The pre-session CSRF token (double-submit cookie) for the sign-in and setup forms."""
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)


def check_login_csrf(request: Request, sent: str | None) -> None:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    if not cookie or not sent or not hmac.compare_digest(cookie, sent):
        raise CsrfFailed("The form expired; reload the page and try again.")


def visible_stores(viewer: Viewer) -> list[Store]:
    """The stores the viewer may see: all of the business for an owner, one for a manager."""
    query = Store.select().where(Store.organisation == viewer.organisation_id)
    if not viewer.is_owner:
        query = query.where(Store.id == (viewer.store_id or ""))
    return list(query.order_by(Store.name))


def store_for(viewer: Viewer, store_id: str) -> Store:
    """The store if the viewer may see it; NotFound otherwise (as if it did not exist)."""
    if not viewer.is_owner and store_id != viewer.store_id:
        raise NotFound("No such store.")
    store = Store.get_or_none(
        (Store.id == store_id) & (Store.organisation == viewer.organisation_id)
    )
    if store is None:
        raise NotFound("No such store.")
    return store


def require_owner(viewer: Viewer) -> None:
    if not viewer.is_owner:
        raise Forbidden("Only the owner can do this.")


def render(request: Request, template: str, status_code: int = 200, **context):
    """A page with the viewer, CSRF token and the store list for the navigation."""
    viewer: Viewer | None = getattr(request.state, "viewer", None)
    if viewer is not None and "stores" not in context:
        with connection():
            context["stores"] = visible_stores(viewer)
    context.setdefault("store", None)
    return templates.TemplateResponse(
        request, template, {"viewer": viewer, **context}, status_code=status_code
    )


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/app/login?next=" + quote(target, safe="")


def download(content: bytes, name: str, media: str) -> Response:
    """``content`` as a file the browser saves as ``name`` (never cached)."""
    return Response(
        content,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
