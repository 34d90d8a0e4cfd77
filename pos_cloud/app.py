"""The cloud API application factory."""

from __future__ import annotations

import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from . import (
    api_admin,
    api_customers,
    api_ledger,
    api_receipts,
    api_stock,
    api_terminal,
    change_notify,
    guards,
)
from .db import close_database, init_database, is_postgres
from .deps import require_admin
from .errors import CloudError
from .migrations import migrate
from .web import mount as mount_back_office

DATABASE_ENV = "POS_CLOUD_DATABASE"  # how `pos-cloud serve --workers N` hands the URL on
DOCS_ENV = "POS_CLOUD_PUBLIC_DOCS"  # and --public-docs ("1")


def create_app(
    database_url: str,
    *,
    public_docs: bool = False,
    max_body_bytes: int = guards.MAX_BODY_BYTES,
    back_office_worker: bool = True,
) -> FastAPI:
    """Build the API on the database at ``database_url`` (migrated to the current schema).

    The process keeps no state of its own, so any number of processes may serve one database.
    The peewee proxy is process-wide: one app per process.

    Args:
        database_url: see :func:`pos_cloud.db.open_database`.
        public_docs: serve ``/docs``, ``/redoc`` and ``/openapi.json`` to anyone; by default
            only ``/openapi.json`` is served, and only with an admin token.
        max_body_bytes: larger request bodies are refused with 413.
        back_office_worker: run the web back office's background thread (projections for
            its reports, webhook deliveries); tests that only need the API may leave it out.
    """
    database = init_database(database_url)
    with database.connection_context():
        migrate(database)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        listen = is_postgres(database)
        if listen:  # wakes long polls on commits of any process (change_notify.py)
            change_notify.hub.start_listener(lambda: _listen_connection(database))
        if worker is not None:  # the back office's projections and webhook deliveries
            worker.start()
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()
            if listen:
                change_notify.hub.stop_listener()
            close_database(database)

    app = FastAPI(
        title="Countertop POS cloud",
        version="1",
        lifespan=lifespan,
        description="Sync API for tills (events up, change feeds down) and admin endpoints.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.database = database
    app.include_router(api_terminal.router)
    app.include_router(api_admin.router)
    app.include_router(api_ledger.router)
    app.include_router(api_ledger.admin_router)
    app.include_router(api_customers.router)
    app.include_router(api_stock.router)
    app.include_router(api_receipts.router)

    @app.exception_handler(CloudError)
    async def cloud_error(request: Request, exc: CloudError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse({"detail": str(exc)}, status_code=exc.status_code, headers=headers)

    @app.exception_handler(ValueError)
    async def nul_in_text(request: Request, exc: ValueError) -> JSONResponse:
        # PostgreSQL text cannot hold U+0000; psycopg2 refuses such a value before sending
        # it (the transaction rolls back), which was a 500. Anything else stays a 500.
        if "NUL (0x00)" not in str(exc):
            raise exc
        detail = "Text values must not contain the NUL character (U+0000); remove it and resend."
        return JSONResponse({"detail": detail}, status_code=422)

    worker = mount_back_office(app, worker=back_office_worker)  # the owner's pages, /app
    _document_plain_422(app)
    guards.install(app, max_body_bytes)
    _serve_docs(app, public_docs)

    @app.get("/v1/health", tags=["ops"])
    def health() -> dict:
        """Liveness: the process answers (does not touch the database)."""
        return {"status": "ok"}

    return app


# gen0 collections per gen1 / gen1 per gen2 stay at CPython's defaults; gen0 runs rarer.
_GC_THRESHOLD = (50_000, 10, 10)


def calm_garbage_collector() -> None:
    """Keep full garbage collections from stalling requests (for a serving process).

    `pos-cloud serve` calls it once the app is built, in every worker; an app embedded in
    another process (the tests) leaves that process's collector alone.

    Every gen2 collection walked all objects alive, most of them the modules, models and
    routes built at start-up, and held the GIL meanwhile: at 2,000 sales/s every request in
    flight stalled 60-80 ms a few times per second, which alone made the ingest p99 100 ms
    instead of 45 ms (measured with the collector disabled). ``gc.freeze()`` moves what exists
    at start-up out of the collector's sight (it is never garbage), and a higher gen0
    threshold makes collections rarer; cycles are still collected.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*_GC_THRESHOLD)


def app_from_environment() -> FastAPI:
    """App factory for multi-process serving: the database URL comes from POS_CLOUD_DATABASE."""
    url = os.environ.get(DATABASE_ENV)
    if not url:
        raise RuntimeError(f"Set {DATABASE_ENV} to the database URL (pos-cloud serve does).")
    app = create_app(url, public_docs=os.environ.get(DOCS_ENV) == "1")
    calm_garbage_collector()
    return app


def _listen_connection(database):
    """A plain psycopg2 connection with the pool's parameters (kept out of the pool)."""
    import psycopg2

    return psycopg2.connect(dbname=database.database, **database.connect_params)


def _serve_docs(app: FastAPI, public: bool) -> None:
    """The OpenAPI document (admin token, or anyone when ``public``) and, when ``public``,
    the interactive pages. The document maps every route, so it is not for strangers."""
    guard = [] if public else [Depends(require_admin)]

    @app.get("/openapi.json", include_in_schema=False, dependencies=guard)
    def openapi_document() -> JSONResponse:
        return JSONResponse(app.openapi())

    if not public:
        return

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title=app.title)

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url="/openapi.json", title=app.title)


def _document_plain_422(app: FastAPI) -> None:
    """Publish that a 422 ``detail`` is FastAPI's list *or* one sentence (BadInput errors).

    Without this the schema promised only the list form, and every BadInput (a bad cursor,
    a bad GTIN) was a schema violation for clients that validate responses.
    """
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        error = schema.get("components", {}).get("schemas", {}).get("HTTPValidationError")
        if error:
            listed = dict(error["properties"]["detail"])
            listed.pop("title", None)
            error["properties"]["detail"] = {
                "title": "Detail",
                "anyOf": [listed, {"type": "string"}],
            }
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
