"""Gift-card and points redemptions this till made in the cloud, and what became of each.

A row is written (and committed) before the till asks the cloud to redeem, so a redemption
whose sale was never stored (the till crashed, the tender was taken off, the answer was lost)
is found and given back (a ``*.released`` outbox event) instead of being forgotten. A gift card
taken while the cloud was unreachable (within the owner's offline limit) is an ``offline`` hold:
nothing was asked of the cloud; the sale sends a ``gift_card.redeemed_offline`` event.
"""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 27

_STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS ledger_hold (
        entry_id TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('gift_card', 'loyalty')),
        account TEXT NOT NULL, unit TEXT NOT NULL, amount INTEGER NOT NULL CHECK (amount > 0),
        balance_after INTEGER,
        state TEXT NOT NULL CHECK (state IN ('reserving', 'reserved', 'offline', 'spent',
            'released', 'refused')),
        sale_id TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS ledger_hold_open ON ledger_hold (state) "
    "WHERE state IN ('reserving', 'reserved', 'offline')",
)


def upgrade(db: SqliteDatabase) -> None:
    for statement in _STATEMENTS:
        db.execute_sql(statement)
