"""The cloud API application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from . import api_admin, api_terminal
from .db import close_database, init_database
from .errors import CloudError
from .migrations import migrate


def create_app(database_url: str) -> FastAPI:
    """Build the API on the database at ``database_url`` (migrated to the current schema).

    The process keeps no state of its own, so any number of processes may serve one database.
    The peewee proxy is process-wide: one app per process.
    """
    database = init_database(database_url)
    with database.connection_context():
        migrate(database)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        close_database(database)

    app = FastAPI(
        title="Countertop POS cloud",
        version="1",
        lifespan=lifespan,
        description="Sync API for tills (events up, change feeds down) and admin endpoints.",
    )
    app.state.database = database
    app.include_router(api_terminal.router)
    app.include_router(api_admin.router)

    @app.exception_handler(CloudError)
    async def cloud_error(request: Request, exc: CloudError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse({"detail": str(exc)}, status_code=exc.status_code, headers=headers)

    @app.get("/v1/health", tags=["ops"])
    def health() -> dict:
        """Liveness: the process answers (does not touch the database)."""
        return {"status": "ok"}

    return app
