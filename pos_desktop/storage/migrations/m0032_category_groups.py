"""0032: find a product's group memberships fast (the cloud's categories become groups).

The products feed now carries each product's category; the till keeps it as membership of the
group ``category:<name>`` (so promotions on a category price it) and replaces a product's
membership on every synced change, which needs ``product_id`` indexed. Re-runnable.
"""

from __future__ import annotations

from peewee import SqliteDatabase

VERSION = 32


def upgrade(db: SqliteDatabase) -> None:
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS product_group_member_product "
        "ON product_group_member (product_id)"
    )
