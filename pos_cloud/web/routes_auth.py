"""Sign-in, first password (setup link), sign-out and password change."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from ..db import connection
from ..errors import CloudError
from . import accounts, audit
from .accounts import Viewer
from .site import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    check_login_csrf,
    cookie_is_secure,
    csrf_viewer,
    current_viewer,
    login_csrf,
    render,
)

router = APIRouter(prefix="/app")


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect would let a link send people elsewhere after login.
    if target and target.startswith("/app") and not target.startswith("//"):
        return target
    return "/app/"


def _with_login_csrf(request: Request, response, token: str):
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=cookie_is_secure(request),
        path="/app",
    )
    return response


def _signed_in(request: Request, cookie: str, target: str) -> RedirectResponse:
    response = RedirectResponse(_safe_next(target), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        httponly=True,
        samesite="lax",  # lax: a link from an e-mail opens the page signed in; POSTs need CSRF
        secure=cookie_is_secure(request),
        path="/",
        max_age=int(accounts.SESSION_TTL.total_seconds()),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/app")
    return response


@router.get("/login", name="login_page")
def login_page(request: Request, next: str = "/app/"):
    token = login_csrf(request)
    page = render(request, "login.html", csrf=token, next=_safe_next(next), error=None)
    return _with_login_csrf(request, page, token)


@router.post("/login")
def login_submit(
    request: Request,
    email: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form("/app/"),
):
    check_login_csrf(request, csrf_token)
    client = request.client.host if request.client else "unknown"
    try:
        with connection():
            cookie = accounts.login(email, password, client)
    except CloudError as exc:
        token = login_csrf(request)
        page = render(
            request,
            "login.html",
            status_code=exc.status_code,
            csrf=token,
            next=_safe_next(next),
            error=str(exc),
            email=email,
        )
        return _with_login_csrf(request, page, token)
    return _signed_in(request, cookie, next)


@router.get("/setup/{code}")
def setup_page(request: Request, code: str):
    with connection():
        user = accounts.setup_user_for(code)
    token = login_csrf(request)
    page = render(request, "setup.html", csrf=token, email=user.email, code=code, error=None)
    return _with_login_csrf(request, page, token)


@router.post("/setup/{code}")
def setup_submit(
    request: Request,
    code: str,
    password: str = Form(""),
    password2: str = Form(""),
    csrf_token: str = Form(""),
):
    check_login_csrf(request, csrf_token)
    try:
        if password != password2:
            raise accounts.BadInput("The two passwords differ; type the same one twice.")
        with connection():
            user = accounts.complete_setup(code, password)
            cookie = accounts.open_session(user)
            viewer = accounts.viewer_for(cookie)
            audit.record(viewer, "account.setup", "user", user.id)
    except accounts.BadInput as exc:
        with connection():
            email = accounts.setup_user_for(code).email
        token = login_csrf(request)
        page = render(
            request, "setup.html", 422, csrf=token, email=email, code=code, error=str(exc)
        )
        return _with_login_csrf(request, page, token)
    return _signed_in(request, cookie, "/app/")


@router.post("/logout")
def logout(viewer: Viewer = Depends(csrf_viewer)):
    with connection():
        accounts.logout(viewer)
    response = RedirectResponse("/app/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account")
def account_page(request: Request, viewer: Viewer = Depends(current_viewer)):
    return render(request, "account.html", message=None, error=None)


@router.post("/account/password")
def change_password(
    request: Request,
    current: str = Form(""),
    new: str = Form(""),
    new2: str = Form(""),
    viewer: Viewer = Depends(csrf_viewer),
):
    try:
        if new != new2:
            raise accounts.BadInput("The two new passwords differ; type the same one twice.")
        with connection():
            accounts.change_password(viewer, current, new)
            audit.record(viewer, "account.password", "user", viewer.user_id)
    except accounts.BadInput as exc:
        return render(request, "account.html", 422, message=None, error=str(exc))
    return render(request, "account.html", message="Password changed.", error=None)
