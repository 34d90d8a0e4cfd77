"""Name search: an FTS5 index over product names and SKUs, kept in step by triggers.

External-content FTS5 (the product table holds the text; the index holds only tokens), with the
``unicode61`` tokenizer folding case and diacritics ("creme" finds "Crème") and prefix indexes
for the first three characters, so a query typed one key at a time stays an index lookup.
Triggers keep it in step with every write path (CSV import, demo catalogue, sync pages), including
``INSERT ... ON CONFLICT DO UPDATE``, which fires the update trigger.
"""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 17

_STATEMENTS = (
    """CREATE VIRTUAL TABLE IF NOT EXISTS product_search USING fts5(
        name, sku, content='product', content_rowid='rowid',
        tokenize="unicode61 remove_diacritics 2", prefix='1 2 3')""",
    """CREATE TRIGGER IF NOT EXISTS product_search_insert AFTER INSERT ON product BEGIN
        INSERT INTO product_search (rowid, name, sku) VALUES (new.rowid, new.name, new.sku);
    END""",
    """CREATE TRIGGER IF NOT EXISTS product_search_delete AFTER DELETE ON product BEGIN
        INSERT INTO product_search (product_search, rowid, name, sku)
        VALUES ('delete', old.rowid, old.name, old.sku);
    END""",
    """CREATE TRIGGER IF NOT EXISTS product_search_update AFTER UPDATE OF name, sku ON product BEGIN
        INSERT INTO product_search (product_search, rowid, name, sku)
        VALUES ('delete', old.rowid, old.name, old.sku);
        INSERT INTO product_search (rowid, name, sku) VALUES (new.rowid, new.name, new.sku);
    END""",
    "INSERT INTO product_search (product_search) VALUES ('rebuild')",
)


def upgrade(db: SqliteDatabase) -> None:
    for statement in _STATEMENTS:
        db.execute_sql(statement)
