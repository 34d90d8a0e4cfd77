"""0002: drop indexes that a composite index of the same table already covers.

peewee adds an index to every foreign key. Where a composite index starts with the same
column (``event (terminal_id, seq)``, ``sale (store_id, business_day)`` ...), the single-column
index answers no query the composite one cannot, yet every insert pays for it: ingestion writes
four fewer index entries per sale. Dropping an index loses no data; re-creating one is cheap.
Frozen once shipped: add a new migration instead of editing this one.
"""

from __future__ import annotations

import peewee as pw

# index name -> the index whose leading column(s) cover it
COVERED = {
    "event_terminal_id": "event_terminal_id_seq",
    "event_store_id": "event_store_id_received_at",
    "sale_store_id": "sale_store_id_business_day",
    "stock_movement_store_id": "stock_movement_store_id_sku",
    "stock_level_store_id": "stock_level_store_id_sku",
    "product_store_id": "product_store_id_sku",
    "barcode_store_id": "barcode_store_id_gtin",
    "tax_rate_store_id": "tax_rate_store_id_code",
    "customer_store_id": "customer_store_id_change_seq",
}


def apply(database: pw.Database) -> None:
    """Drop each covered single-column index (if present)."""
    for name in COVERED:
        database.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
