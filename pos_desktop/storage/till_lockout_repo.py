"""The till's wrong unnamed-PIN count and the time until which unnamed PINs are refused
(table ``till_pin_lockout``, one row per terminal)."""

from __future__ import annotations

from datetime import datetime

from peewee import SqliteDatabase

from .codec import parse_utc, utc_text


class TillLockoutRepository:
    def __init__(self, db: SqliteDatabase, terminal_id: str) -> None:
        self._db = db
        self._terminal = terminal_id

    def state(self) -> tuple[int, datetime | None]:
        """The failure count and the pause's end (None: not paused)."""
        row = self._db.execute_sql(
            "SELECT failed_attempts, blocked_until FROM till_pin_lockout WHERE terminal_id = ?",
            (self._terminal,),
        ).fetchone()
        if row is None:
            return 0, None
        return int(row[0]), parse_utc(row[1]) if row[1] else None

    def save(self, failed_attempts: int, blocked_until: datetime | None) -> None:
        self._db.execute_sql(
            "INSERT INTO till_pin_lockout (terminal_id, failed_attempts, blocked_until) "
            "VALUES (?, ?, ?) ON CONFLICT (terminal_id) DO UPDATE SET "
            "failed_attempts = excluded.failed_attempts, blocked_until = excluded.blocked_until",
            (self._terminal, failed_attempts, utc_text(blocked_until) if blocked_until else None),
        )

    def clear(self) -> None:
        self._db.execute_sql(
            "DELETE FROM till_pin_lockout WHERE terminal_id = ?", (self._terminal,)
        )
