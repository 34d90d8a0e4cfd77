"""Numbered, frozen schema migrations tracked in ``PRAGMA user_version``.

A migration is a module ``mNNNN_name.py`` with ``VERSION`` and ``upgrade(db)``. It uses plain SQL
and never imports the live models, so it keeps working as the models change. Never edit one that has
shipped: add the next number instead.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from peewee import SqliteDatabase


def available() -> list[ModuleType]:
    """All migration modules, ordered by version."""
    mods = [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
        if info.name.startswith("m") and info.name[1:5].isdigit()
    ]
    return sorted(mods, key=lambda m: m.VERSION)


def latest_version() -> int:
    return available()[-1].VERSION


def current_version(db: SqliteDatabase) -> int:
    return db.execute_sql("PRAGMA user_version").fetchone()[0]


def migrate(db: SqliteDatabase, *, target: int | None = None) -> int:
    """Apply every migration above the db's version (up to ``target``), each in a transaction.

    Returns:
        The schema version after migrating.

    Raises:
        RuntimeError: when the database is newer than this program knows.
    """
    version = current_version(db)
    known = latest_version()
    if version > known:
        raise RuntimeError(
            f"The database has schema version {version} but this program knows up to {known}; "
            "install the newer version of the till."
        )
    for mod in available():
        if mod.VERSION <= version or (target is not None and mod.VERSION > target):
            continue
        with db.atomic():
            mod.upgrade(db)
            db.execute_sql(f"PRAGMA user_version = {int(mod.VERSION)}")
        version = mod.VERSION
    return version
