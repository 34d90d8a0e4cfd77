"""Customers at the till: created here (offline too), their consent, and the sales they made.

``customer`` (from the cloud's feed, migration 6) gains the marketing consent with its time and
source, the receipt-by-e-mail choice, and whether this till created the row (its event may still
be waiting in the outbox). ``sale_customer`` links a sale to its customer, written in the sale's
own transaction.
"""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 20

_COLUMNS = (
    ("marketing_consent", "INTEGER NOT NULL DEFAULT 0"),
    ("consent_at", "TEXT"),
    ("consent_source", "TEXT"),
    ("email_receipts", "INTEGER NOT NULL DEFAULT 0"),
    ("created_here", "INTEGER NOT NULL DEFAULT 0"),
)


def upgrade(db: SqliteDatabase) -> None:
    have = {row[1] for row in db.execute_sql("PRAGMA table_info(customer)").fetchall()}
    for name, kind in _COLUMNS:
        if name not in have:
            db.execute_sql(f"ALTER TABLE customer ADD COLUMN {name} {kind}")
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS sale_customer ("
        "sale_id TEXT PRIMARY KEY REFERENCES sale (id), customer_id TEXT NOT NULL)"
    )
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS sale_customer_customer ON sale_customer (customer_id)"
    )
    db.execute_sql("CREATE INDEX IF NOT EXISTS customer_phone ON customer (phone)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS customer_email ON customer (email COLLATE NOCASE)")
