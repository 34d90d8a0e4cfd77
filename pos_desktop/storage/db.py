"""Opening the local SQLite database: WAL, synchronous=FULL, foreign keys, busy timeout.

synchronous=FULL because NORMAL in WAL mode may lose the last confirmed sales on power loss.
"""

from __future__ import annotations

from pathlib import Path

from peewee import SqliteDatabase

from .migrations import migrate

PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "cache_size": -16000,  # 16 MB page cache
    "temp_store": 2,  # MEMORY
}


def open_database(path: Path | str, *, run_migrations: bool = True) -> SqliteDatabase:
    """Open (creating if needed) the till database, upgrade its schema.

    Args:
        path: the SQLite file; its folder is created when missing.
        run_migrations: apply pending numbered migrations before returning.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = SqliteDatabase(str(path), pragmas=PRAGMAS, check_same_thread=False, autoconnect=True)
    db.connect(reuse_if_open=True)
    if run_migrations:
        migrate(db)
    return db
