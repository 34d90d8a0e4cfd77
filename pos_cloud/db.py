"""Database selection for the cloud server: one deferred peewee proxy, SQLite or PostgreSQL.

The models bind to :data:`database_proxy`; :func:`init_database` points it at a real database
built from a URL. One process serves one database (the proxy is process-wide), which is what
a stateless API process wants: every piece of state lives in the database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import peewee
from platformdirs import user_data_dir
from playhouse.pool import PooledPostgresqlDatabase

from . import change_notify

database_proxy = peewee.DatabaseProxy()

# WAL lets readers (feeds, reports) run while an ingest writes; FULL because an event the
# server acknowledged must survive a power cut; busy_timeout lets writers queue politely.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
}


class DatabaseUrlError(ValueError):
    """The database URL cannot be used; the message says what to write instead."""


def default_database_url() -> str:
    """The SQLite database in the user's data directory (created on first use)."""
    folder = Path(user_data_dir("pos-cloud"))
    return f"sqlite:///{folder / 'cloud.db'}"


def open_database(url: str) -> peewee.Database:
    """Build (but do not connect) a peewee database for ``url``.

    Args:
        url: ``sqlite:///path/to/file.db`` or ``postgresql://user[:pw]@host[:port]/dbname``;
            query parameters of a PostgreSQL URL are passed to psycopg2 (e.g. ``sslmode``,
            ``options=-csearch_path%3Dmyschema``).

    Raises:
        DatabaseUrlError: the scheme is unknown or the URL names no database.
    """
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return _open_sqlite(url, parts.path)
    if parts.scheme in ("postgres", "postgresql"):
        return _open_postgres(url, parts)
    raise DatabaseUrlError(
        f"Unsupported database URL '{url}': use sqlite:///path/to/cloud.db "
        "or postgresql://user@host:5432/dbname."
    )


def _open_sqlite(url: str, path: str) -> peewee.Database:
    if not path or path == "/":
        raise DatabaseUrlError(
            f"'{url}' names no file: write sqlite:///relative.db or sqlite:////absolute/path.db."
        )
    # urlsplit keeps the leading slash: sqlite:///cloud.db -> '/cloud.db' (relative),
    # sqlite:////srv/cloud.db -> '//srv/cloud.db' (absolute), as SQLAlchemy reads them.
    file_path = Path(unquote(path[1:]))
    file_path.parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE: a write transaction takes the write lock at BEGIN, so two writers queue
    # on busy_timeout instead of one failing when it upgrades a read lock.
    return peewee.SqliteDatabase(
        str(file_path), pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", timeout=10
    )


def _open_postgres(url: str, parts) -> peewee.Database:
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise DatabaseUrlError(f"'{url}' names no database: end it with /dbname.")
    kwargs: dict[str, object] = dict(parse_qsl(parts.query, keep_blank_values=True))
    if parts.username:
        kwargs["user"] = unquote(parts.username)
    if parts.password:
        kwargs["password"] = unquote(parts.password)
    if parts.hostname:
        kwargs["host"] = parts.hostname
    if parts.port:
        kwargs["port"] = parts.port
    # A pool: every request opens/closes a connection context, which would otherwise cost
    # a PostgreSQL backend start each time.
    return PooledPostgresqlDatabase(name, max_connections=64, stale_timeout=300, **kwargs)


def init_database(url: str) -> peewee.Database:
    """Open the database for ``url`` and point :data:`database_proxy` at it."""
    database = open_database(url)
    database_proxy.initialize(database)
    return database


def is_postgres(database: peewee.Database | None = None) -> bool:
    """True when the (proxied) database is PostgreSQL."""
    target = database if database is not None else database_proxy.obj
    return isinstance(target, peewee.PostgresqlDatabase)


def close_database(database: peewee.Database) -> None:
    """Close this thread's connection and, for a pool, every idle pooled connection."""
    if not database.is_closed():
        database.close()
    close_all = getattr(database, "close_all", None)
    if close_all is not None:
        close_all()


@contextlib.contextmanager
def connection() -> Iterator[None]:
    """Open a connection for the current thread for the duration of the block.

    Re-entrant: if the thread already has one open it is reused and left open. The block
    that opened the connection wakes, when it ends, the long polls of the stores it changed
    (and the back office's worker): its transactions are over by then (change_notify.py).
    """
    if database_proxy.is_closed():
        try:
            with database_proxy.connection_context():
                yield
        finally:
            change_notify.flush()  # a spurious wake costs a waiter one read; a lost one 1 s
    else:
        yield


class ThrowawaySchema:
    """A fresh PostgreSQL schema for tests and benchmarks: ``url`` points into it, ``drop()``
    removes it with everything in it."""

    def __init__(self, dsn: str, prefix: str) -> None:
        import uuid

        import psycopg2

        self.name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self._admin = psycopg2.connect(dsn)
        self._admin.autocommit = True
        self._admin.cursor().execute(f'CREATE SCHEMA "{self.name}"')
        self.url = f"{dsn}?options=-csearch_path%3D{self.name}"

    def drop(self) -> None:
        self._admin.cursor().execute(f'DROP SCHEMA "{self.name}" CASCADE')
        self._admin.close()


@contextlib.contextmanager
def throwaway_schema(dsn: str, prefix: str) -> Iterator[str]:
    """``with throwaway_schema(dsn, "pos_test") as url:``: a database URL on a scratch schema."""
    schema = ThrowawaySchema(dsn, prefix)
    try:
        yield schema.url
    finally:
        schema.drop()
