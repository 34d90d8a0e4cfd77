"""Numbered, frozen schema migrations for the cloud database.

Each module ``NNNN_name.py`` defines ``apply(database)`` using its own frozen copies of the
tables it touches (never the live models), so an old database can always be upgraded.
A migration ships once and is never edited; a change is a new, higher number.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import re

import peewee

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+$")
# Any constant: serialises concurrent migrators (several API processes starting at once).
_PG_LOCK_KEY = 7_406_381_333


def available() -> list[tuple[int, str]]:
    """(version, module name) of every shipped migration, in order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        match = _NAME.match(info.name)
        if match:
            found.append((int(match.group(1)), info.name))
    return sorted(found)


def applied(database: peewee.Database) -> set[int]:
    """Versions already applied to ``database``."""
    _ensure_version_table(database)
    cursor = database.execute_sql("SELECT version FROM schema_version")
    return {row[0] for row in cursor.fetchall()}


def migrate(database: peewee.Database) -> list[int]:
    """Apply every pending migration, each in its own transaction.

    Returns:
        The versions applied by this call (empty when the schema was current).
    """
    done: list[int] = []
    for version, name in available():
        if version in applied(database):
            continue
        module = importlib.import_module(f"{__name__}.{name}")
        with database.atomic():
            if isinstance(database, peewee.PostgresqlDatabase):
                database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_PG_LOCK_KEY,))
            # Re-check under the lock: another process may have won the race.
            if version in applied(database):
                continue
            module.apply(database)
            _record(database, version, name)
        done.append(version)
    return done


def _record(database: peewee.Database, version: int, name: str) -> None:
    table = peewee.Table("schema_version", ("version", "name", "applied_at")).bind(database)
    table.insert(
        version=version, name=name, applied_at=dt.datetime.now(dt.UTC).isoformat()
    ).execute()


def _ensure_version_table(database: peewee.Database) -> None:
    database.execute_sql(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        "version INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, "
        "applied_at VARCHAR(40) NOT NULL)"
    )
