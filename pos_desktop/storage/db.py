"""Opening the local SQLite database: WAL, synchronous=FULL, foreign keys, busy timeout.

synchronous=FULL because NORMAL in WAL mode may lose the last confirmed sales on power loss.
"""

from __future__ import annotations

from pathlib import Path

from peewee import SqliteDatabase

from .migrations import current_version, migrate
from .permissions import ensure_private_file, make_private_dir
from .safekeeping import ensure_sound
from .secrets import seal_clear_secrets

PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "cache_size": -16000,  # 16 MB page cache
    "temp_store": 2,  # MEMORY
}


def open_database(
    path: Path | str, *, run_migrations: bool = True, check: bool | None = None
) -> SqliteDatabase:
    """Open (creating if needed) the till database, upgrade its schema.

    Args:
        path: the SQLite file; its folder is created when missing.
        run_migrations: apply pending numbered migrations before returning.
        check: check the file first (default: when migrating, i.e. at a start): its header and
            schema, in milliseconds. ``pos-admin`` runs the full ``quick_check`` itself and the
            till runs it in the background once its window shows.

    Raises:
        DatabaseDamaged: the file is not a sound database; the message says how to restore.
    """
    path = Path(path)
    if run_migrations:  # a start: the data dir is made private (and fixed when it was not)
        make_private_dir(path.parent)
        ensure_private_file(path)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    if run_migrations if check is None else check:
        ensure_sound(path, full=False)
    db = SqliteDatabase(str(path), pragmas=PRAGMAS, check_same_thread=False, autoconnect=True)
    db.connect(reuse_if_open=True)
    if run_migrations:
        before = current_version(db)
        migrate(db)
        if seal_clear_secrets(db) or current_version(db) != before:
            # Old page versions (a secret in clear before migration 14 sealed it) leave the WAL.
            db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return db
