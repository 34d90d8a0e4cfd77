"""The owner's web back office, served under ``/app`` by the cloud API's own process.

Server-rendered pages (Jinja2, autoescaped) with HTMX for live parts; no build step. See
docs/BACKOFFICE.md. :func:`mount` adds the routes, the static files and the error pages to
the API app and returns the background worker (projections, webhook deliveries), which the
app starts and stops with its lifespan.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from ..errors import CloudError
from .site import HERE, LoginRequired, login_url, render
from .worker import BackOfficeWorker

_TITLES = {401: "Not signed in", 403: "Not allowed", 404: "Not found", 409: "Conflict"}


def mount(app: FastAPI, *, worker: bool = True) -> BackOfficeWorker | None:
    """Add the back office to ``app``; return its worker (not started) or None."""
    from . import (
        routes_auth,
        routes_customers,
        routes_integrations,
        routes_pages,
        routes_promotions,
        routes_receipts,
        routes_stock,
        routes_store,
        routes_tills,
    )

    for module in (
        routes_auth,
        routes_pages,
        routes_store,
        routes_tills,
        routes_customers,
        routes_promotions,
        routes_integrations,
        routes_receipts,
        routes_stock,
    ):
        app.include_router(module.router, include_in_schema=False)
    app.mount("/app/static", StaticFiles(directory=str(HERE / "static")), name="backoffice-static")

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired):
        target = login_url(request)
        if request.headers.get("HX-Request"):
            return RedirectResponse(target, status_code=200, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    api_handler = app.exception_handlers.get(CloudError)

    async def cloud_error(request: Request, exc: CloudError):
        # The API answers JSON; the pages answer a page saying what is wrong.
        if not request.url.path.startswith("/app") and api_handler is not None:
            return await api_handler(request, exc)
        title = _TITLES.get(exc.status_code, "Cannot do that")
        return render(
            request,
            "error.html",
            exc.status_code,
            status=exc.status_code,
            title=title,
            message=str(exc),
        )

    app.add_exception_handler(CloudError, cloud_error)
    return BackOfficeWorker() if worker else None
