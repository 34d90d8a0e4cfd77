"""E-mails waiting to be sent (table ``mail_outbox``, migration 28)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import SqliteDatabase

from .codec import utc_text

_COLUMNS = "id, sale_id, recipient, subject, body, consent, status, attempts, last_error"


@dataclass(frozen=True, slots=True)
class Mail:
    mail_id: str
    sale_id: str | None
    recipient: str
    subject: str
    body: str
    consent: str
    status: str = "pending"
    attempts: int = 0
    last_error: str | None = None


class MailRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def queue(self, mail: Mail, now: datetime) -> None:
        """Queue ``mail`` (call inside the action's transaction)."""
        self._db.execute_sql(
            "INSERT INTO mail_outbox (id, sale_id, recipient, subject, body, consent, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                mail.mail_id,
                mail.sale_id,
                mail.recipient,
                mail.subject,
                mail.body,
                mail.consent,
                utc_text(now),
            ),
        )

    def pending(self, limit: int = 20) -> list[Mail]:
        rows = self._db.execute_sql(
            f"SELECT {_COLUMNS} FROM mail_outbox WHERE status = 'pending' "
            "ORDER BY created_at LIMIT ?",
            (limit,),
        ).fetchall()
        return [Mail(*row) for row in rows]

    def get(self, mail_id: str) -> Mail | None:
        row = self._db.execute_sql(
            f"SELECT {_COLUMNS} FROM mail_outbox WHERE id = ?", (mail_id,)
        ).fetchone()
        return Mail(*row) if row else None

    def mark_sent(self, mail_id: str, now: datetime, *, by: str = "till") -> None:
        """Gone: sent by the till's SMTP server (``till``) or handed to the ``cloud``."""
        self._db.execute_sql(
            "UPDATE mail_outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, "
            "last_error = NULL, sent_by = ? WHERE id = ? AND status = 'pending'",
            (utc_text(now), by, mail_id),
        )

    def failed(self, mail_id: str, error: str, *, park: bool) -> None:
        """One failed attempt; ``park``: it will never succeed as is (a refused address)."""
        self._db.execute_sql(
            "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, "
            "status = CASE WHEN ? THEN 'parked' ELSE status END WHERE id = ?",
            (error[:500], park, mail_id),
        )
