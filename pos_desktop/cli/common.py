"""Opening the till database for a ``pos-admin`` command, with messages that say what to do."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from peewee import SqliteDatabase

from pos_desktop.domain.store import StoreSettings
from pos_desktop.paths import database_path
from pos_desktop.storage.db import open_database
from pos_desktop.storage.safekeeping import ensure_sound
from pos_desktop.storage.settings_repo import load_settings

from .errors import CommandError


def no_database_message(data_dir: Path) -> str:
    return (
        f"No till database in {data_dir}; run 'pos-admin --data-dir {data_dir} init "
        "--store-name NAME --currency EUR' first (or demo-catalog for a demo store)."
    )


@contextmanager
def opened_db(
    data_dir: Path, *, create: bool = False, migrate: bool = True
) -> Iterator[SqliteDatabase]:
    """The data dir's database, closed afterwards.

    Args:
        data_dir: the till's data dir.
        create: create the folder and database when missing (otherwise that is an error).
        migrate: bring the schema up to date first (as the till does on start).

    Raises:
        CommandError: when the database is missing and ``create`` is false.
    """
    path = database_path(data_dir)
    if not create and not path.exists():
        raise CommandError(no_database_message(data_dir))
    ensure_sound(path)  # every page (PRAGMA quick_check): a damaged db is named, with the fix
    db = open_database(path, run_migrations=migrate, check=True)
    try:
        yield db
    finally:
        db.close()


def require_store(db: SqliteDatabase, data_dir: Path) -> StoreSettings:
    settings = load_settings(db)
    if settings is None:
        raise CommandError(no_database_message(data_dir))
    return settings
