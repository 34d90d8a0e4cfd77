"""E-mailed receipts waiting to go out (and gone), so a receipt asked for offline is sent later.

``consent`` records when and where the customer agreed to receive it by e-mail (GDPR).
"""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 28

_STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS mail_outbox (
        id TEXT PRIMARY KEY, sale_id TEXT, recipient TEXT NOT NULL, subject TEXT NOT NULL,
        body TEXT NOT NULL, consent TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'parked')),
        attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
        created_at TEXT NOT NULL, sent_at TEXT)""",
    "CREATE INDEX IF NOT EXISTS mail_outbox_pending ON mail_outbox (created_at) "
    "WHERE status = 'pending'",
)


def upgrade(db: SqliteDatabase) -> None:
    for statement in _STATEMENTS:
        db.execute_sql(statement)
