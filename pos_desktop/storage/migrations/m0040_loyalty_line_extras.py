"""The extra points a sale's lines earned from bonus-points promotions ("+50 points per pack"),
kept beside their multipliers so a refund takes back exactly its share of them."""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 40


def upgrade(db: SqliteDatabase) -> None:
    # Safe to run again (a database restored to an older version number keeps its columns).
    have = {row[1] for row in db.execute_sql("PRAGMA table_info(loyalty_sale_rate)").fetchall()}
    if "line_extras" not in have:  # JSON {line_id: 50}: the lines with extra points
        db.execute_sql(
            "ALTER TABLE loyalty_sale_rate ADD COLUMN line_extras TEXT NOT NULL DEFAULT '{}'"
        )
