"""0031: the till's count of wrong approver PINs typed without a name, and its pause.

Kept in the db (not in memory) so restarting the till does not reset a brute-force count.
One row per terminal; a user's own count stays in ``staff_user``.
"""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 31


def upgrade(db: SqliteDatabase) -> None:
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS till_pin_lockout ("
        " terminal_id TEXT PRIMARY KEY,"
        " failed_attempts INTEGER NOT NULL DEFAULT 0,"
        " blocked_until TEXT"
        ")"
    )
