"""Small multi-row SQL helpers for the hot write paths (ingest), portable SQLite/PostgreSQL.

peewee builds one statement per model call and instantiates models for every row read; at a
few thousand events per second that overhead dominates, so ingestion talks to the database
in multi-row statements instead. On SQLite values go through the model fields' ``db_value``
so the stored text of dates and booleans is the same as when peewee writes the row. On
PostgreSQL the rows travel as one JSON document (see ``_json_rows``): dates and datetimes as
ISO text, which must be naive UTC like every DateTimeField here (``models.utcnow``); a
``timestamp`` column would silently drop an offset.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import peewee as pw

from .db import database_proxy, is_postgres

try:  # required by the cloud extra; without it PostgreSQL takes the VALUES path too
    import orjson
except ImportError:  # pragma: no cover - depends on the install
    orjson = None

# Far below SQLite's 32,766 bound parameters and PostgreSQL's 65,535 in every chunk.
_MAX_PARAMS = 30_000


# Values every driver takes as they are; anything else (dates, decimals) goes through the field.
_PLAIN = frozenset({str, int, type(None)})


def _param() -> str:
    return database_proxy.obj.param


def _quote(name: str) -> str:
    return '"' + name + '"'


def _columns(model: type[pw.Model], names: Sequence[str]) -> list[pw.Field]:
    return [model._meta.fields[name] for name in names]


def _chunks(rows: Sequence[Sequence[Any]], width: int) -> Iterable[Sequence[Sequence[Any]]]:
    size = max(1, _MAX_PARAMS // max(1, width))
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def insert_rows(
    model: type[pw.Model],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    ignore_conflicts: bool = False,
    upsert: tuple[Sequence[str], Sequence[str]] | None = None,
    returning: Sequence[str] = (),
) -> list[tuple]:
    """INSERT ``rows`` (tuples in ``names`` order) in as few statements as possible.

    Args:
        model: the table.
        names: model field names (foreign keys by field name, e.g. ``"terminal"``).
        rows: one tuple of Python values per row.
        ignore_conflicts: ``ON CONFLICT DO NOTHING``: a row clashing with any unique
            constraint (also with an earlier row of the same statement) is skipped. On
            PostgreSQL a clash with a row another transaction has not committed yet waits for
            that transaction, which is what makes concurrent pushes of one event safe.
        upsert: ``(conflict fields, fields to overwrite)``: ``ON CONFLICT (...) DO UPDATE``.
        returning: field names; return those values of every row actually inserted, and
            with ``upsert`` also of every row updated (both engines return those too).

    On PostgreSQL all rows go in one statement (one JSON document): callers with very many
    rows chunk them (the catalogue import does, 5,000 at a time).

    Returns:
        One tuple of ``returning`` values per inserted (or upserted) row; empty without
        ``returning``.
    """
    if not rows:
        return []
    fields = _columns(model, names)
    table = _quote(model._meta.table_name)
    column_sql = ", ".join(_quote(f.column_name) for f in fields)
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    if upsert:
        target = ", ".join(_quote(f.column_name) for f in _columns(model, upsert[0]))
        changes = ", ".join(
            f"{_quote(f.column_name)} = EXCLUDED.{_quote(f.column_name)}"
            for f in _columns(model, upsert[1])
        )
        tail += f" ON CONFLICT ({target}) DO UPDATE SET {changes}"
    if returning:
        tail += " RETURNING " + ", ".join(_quote(f.column_name) for f in _columns(model, returning))
    if is_postgres():
        document = _json_rows(fields, rows)
        if document is not None:
            sql = _pg_json_insert(table, fields, column_sql) + tail
            cursor = database_proxy.execute_sql(sql, (document,))
            return [tuple(r) for r in cursor.fetchall()] if returning else []
    one = "(" + ", ".join([_param()] * len(fields)) + ")"
    out: list[tuple] = []
    for chunk in _chunks(rows, len(fields)):
        params = [
            v if type(v) in _PLAIN else f.db_value(v)
            for row in chunk
            for f, v in zip(fields, row, strict=True)
        ]
        sql = f"INSERT INTO {table} ({column_sql}) VALUES {', '.join([one] * len(chunk))}{tail}"
        cursor = database_proxy.execute_sql(sql, params)
        if returning:
            out.extend(tuple(r) for r in cursor.fetchall())
    return out


# PostgreSQL: the rows travel as one JSON parameter that the server unpacks into typed
# columns. A multi-row VALUES list costs psycopg2 a quoted literal per value (~35 per sale) and
# PostgreSQL a parse of each; one JSON text is encoded by orjson and escaped in one pass.
_PG_TYPES = {
    "VARCHAR": "text",
    "TEXT": "text",
    "BIGINT": "bigint",
    "INT": "integer",
    "DATETIME": "timestamp",
    "DATE": "date",
    "BOOL": "boolean",
}


def _pg_json_insert(table: str, fields: list[pw.Field], column_sql: str) -> str:
    definitions = ", ".join(f"{_quote(f.column_name)} {_PG_TYPES[f.field_type]}" for f in fields)
    return (
        f"INSERT INTO {table} ({column_sql}) SELECT {column_sql} "
        f"FROM json_to_recordset(%s) AS r({definitions})"
    )


def _json_rows(fields: list[pw.Field], rows: Sequence[Sequence[Any]]) -> str | None:
    """The rows as a JSON array of objects keyed by column, or None to use VALUES instead.

    None when orjson is missing, a value is of a type it cannot encode, or a text holds NUL
    (PostgreSQL's JSON refuses ``\\u0000`` with an internal error; on the VALUES path psycopg2
    refuses it with the ValueError the API turns into a 422).
    """
    if orjson is None or any(f.field_type not in _PG_TYPES for f in fields):
        return None
    names = [f.column_name for f in fields]
    try:
        document = orjson.dumps([dict(zip(names, row, strict=True)) for row in rows])
    except TypeError:
        return None
    if b"\\u0000" in document:
        return None
    return document.decode()


def select_in(
    model: type[pw.Model],
    names: Sequence[str],
    key: str,
    values: Iterable[Any],
    extra: pw.Expression | None = None,
) -> list[tuple]:
    """Rows (tuples of ``names``) whose ``key`` is one of ``values`` (and ``extra`` holds)."""
    values = list(dict.fromkeys(values))
    if not values:
        return []
    fields = _columns(model, names)
    key_field = model._meta.fields[key]
    out: list[tuple] = []
    for start in range(0, len(values), 1000):
        condition = key_field.in_(values[start : start + 1000])
        if extra is not None:
            condition &= extra
        out.extend(model.select(*fields).where(condition).tuples())
    return out


def delete_in(model: type[pw.Model], key: str, values: Iterable[Any]) -> None:
    """DELETE the rows whose ``key`` is one of ``values``."""
    values = list(dict.fromkeys(values))
    if values:
        model.delete().where(model._meta.fields[key].in_(values)).execute()
