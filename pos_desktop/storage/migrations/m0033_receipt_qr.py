"""0033: digital receipts.

- ``store_settings.receipt_qr``: the store setting "QR code on receipts" (the digital
  receipt's link; on by default). It prints only on a till enrolled with a cloud;
- ``mail_outbox.sent_by``: who sent an e-mailed receipt: ``cloud`` (handed over to the cloud,
  which sends it) or ``till`` (the till's own SMTP server).

Idempotent like its neighbours: a column that is already there is left alone.
"""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 33


def upgrade(db: SqliteDatabase) -> None:
    have = {row[1] for row in db.execute_sql("PRAGMA table_info(store_settings)").fetchall()}
    if "receipt_qr" not in have:
        db.execute_sql(
            "ALTER TABLE store_settings ADD COLUMN receipt_qr INTEGER NOT NULL DEFAULT 1"
        )
    mail = {row[1] for row in db.execute_sql("PRAGMA table_info(mail_outbox)").fetchall()}
    if "sent_by" not in mail:
        db.execute_sql("ALTER TABLE mail_outbox ADD COLUMN sent_by TEXT")
