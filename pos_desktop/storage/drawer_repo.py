"""The ``drawer_event`` table: every opening of the cash drawer, with its reason and outcome.

A no-sale or test opening is recorded ``queued`` before the kick and finished as ``sent``,
``failed`` or ``expired`` (it waited too long behind the printer and was dropped). An opening
that rode in a receipt's print job is recorded with the job's outcome (``sent``/``unknown``).
"""

from __future__ import annotations

from datetime import datetime

from peewee import SqliteDatabase

from pos_desktop.domain.ids import new_id

from .codec import utc_text


class DrawerEventRepository:
    """Owns the ``drawer_event`` table."""

    def __init__(self, db: SqliteDatabase) -> None:
        self.db = db

    def queue(self, reason: str, now: datetime) -> str:
        """Record an opening about to be sent; its id."""
        event_id = new_id()
        with self.db.atomic():
            self.db.execute_sql(
                "INSERT INTO drawer_event (id, reason, status, created_at) "
                "VALUES (?, ?, 'queued', ?)",
                (event_id, reason, utc_text(now)),
            )
        return event_id

    def finish(self, event_id: str, status: str, error: str | None) -> None:
        """What became of a queued opening (``sent``, ``failed``, ``expired``)."""
        with self.db.atomic():
            self.db.execute_sql(
                "UPDATE drawer_event SET status = ?, error = ? WHERE id = ?",
                (status, error, event_id),
            )

    def record(
        self, reason: str, sale_id: str | None, status: str, error: str | None, now: datetime
    ) -> None:
        """An opening that went with a print job, recorded once the job's outcome is known."""
        self.db.execute_sql(
            "INSERT INTO drawer_event (id, reason, sale_id, status, error, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (new_id(), reason, sale_id, status, error, utc_text(now)),
        )
