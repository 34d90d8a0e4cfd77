"""Quick keys: a touch grid of favourite items, in pages, edited by a manager at the till.

A key sells a product (by SKU, so weighed items read the scale as a scan would) or a department,
at a fixed price when ``price_minor`` is set (an espresso at 1.80) or at a price entered then.
"""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 19

_STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS quick_key (
        page INTEGER NOT NULL CHECK (page BETWEEN 1 AND 9),
        position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 23),
        label TEXT NOT NULL, sku TEXT, department TEXT,
        price_minor INTEGER CHECK (price_minor > 0), colour TEXT,
        PRIMARY KEY (page, position),
        CHECK ((sku IS NULL) != (department IS NULL))) WITHOUT ROWID""",
)


def upgrade(db: SqliteDatabase) -> None:
    for statement in _STATEMENTS:
        db.execute_sql(statement)
