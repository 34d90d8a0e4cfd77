"""0015: the store's tax id, country, language and receipt logo; first-run setup progress.

``setup_progress`` holds the answers of an unfinished setup wizard (one JSON value per page), so
a wizard that was closed half-way resumes where it was left. Idempotent like its neighbours: a
column or table that is already there is left alone.
"""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 15

_COLUMNS = (
    ("tax_id", "TEXT NOT NULL DEFAULT ''"),
    ("country", "TEXT NOT NULL DEFAULT ''"),
    ("language", "TEXT NOT NULL DEFAULT 'en'"),
    ("receipt_logo", "TEXT NOT NULL DEFAULT ''"),
)
_TABLES = (
    """CREATE TABLE IF NOT EXISTS setup_progress (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
)


def upgrade(db: SqliteDatabase) -> None:
    have = {row[1] for row in db.execute_sql("PRAGMA table_info(store_settings)").fetchall()}
    for name, kind in _COLUMNS:
        if name not in have:
            db.execute_sql(f"ALTER TABLE store_settings ADD COLUMN {name} {kind}")
    for statement in _TABLES:
        db.execute_sql(statement)
