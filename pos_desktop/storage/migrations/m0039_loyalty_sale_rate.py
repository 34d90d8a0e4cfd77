"""The loyalty rates a sale earned at (base rate and each line's group multiplier), what it
earned and what its refunds took back, so refunds take back exactly what its lines earned even
after the rules or categories change."""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 39


def upgrade(db: SqliteDatabase) -> None:
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS loyalty_sale_rate ("
        "sale_id TEXT PRIMARY KEY, per_unit INTEGER NOT NULL, "
        "line_multipliers TEXT NOT NULL, "  # JSON {line_id: "2"}: the lines not at x1
        "earned INTEGER NOT NULL DEFAULT 0, taken_back INTEGER NOT NULL DEFAULT 0)"
    )
