"""On hand at this till: the cloud's stock figure (the ``stock`` feed) less what this till sold
and has not yet handed to the cloud (sales whose event is still in the outbox), plus or minus
its other stock movements still in the outbox (returns, receipts, waste, transfers)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from peewee import SqliteDatabase

_FEED_SQL = "SELECT quantity, updated_at FROM stock_level WHERE sku = ?"
_UNSYNCED_SQL = (
    "SELECT sl.quantity FROM sale_line sl WHERE sl.sku = ? AND sl.sale_id IN ("
    "SELECT json_extract(o.payload, '$.sale_id') FROM outbox o "
    "WHERE o.status = 'pending' AND o.type = 'sale.completed')"
)

# Each pending stock event's lines for the sku: (event type, quantity). Refunds list what
# went back on the shelf under "stock", the others under "lines".
_MOVED_SQL = (
    "SELECT o.type, json_extract(l.value, '$.quantity') FROM outbox o, json_each(o.payload, "
    "CASE o.type WHEN 'refund.completed' THEN '$.stock' ELSE '$.lines' END) l "
    "WHERE o.status = 'pending' AND o.type IN ('refund.completed', 'goods.received', "
    "'stock.wasted', 'stock.transfer_sent', 'stock.transfer_received') "
    "AND json_extract(l.value, '$.sku') = ?"
)
_OUT = frozenset({"stock.wasted", "stock.transfer_sent"})


@dataclass(frozen=True, slots=True)
class OnHand:
    """``quantity`` is None when the cloud has sent no figure for the product."""

    quantity: Decimal | None
    cloud_quantity: Decimal | None
    sold_unsynced: Decimal
    as_of: str | None  # when the cloud's figure last changed (UTC text)
    moved_unsynced: Decimal = Decimal(0)  # returns, receipts, waste, transfers (signed)


def _decimal(text) -> Decimal:
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return Decimal(0)


def on_hand(db: SqliteDatabase, sku: str) -> OnHand:
    row = db.execute_sql(_FEED_SQL, (sku,)).fetchone()
    sold = sum(
        (_decimal(q) for (q,) in db.execute_sql(_UNSYNCED_SQL, (sku,)).fetchall()), Decimal(0)
    )
    moved = sum(
        (
            -_decimal(q) if kind in _OUT else _decimal(q)
            for kind, q in db.execute_sql(_MOVED_SQL, (sku,)).fetchall()
        ),
        Decimal(0),
    )
    if row is None:
        return OnHand(None, None, sold, None, moved)
    cloud = _decimal(row[0])
    return OnHand(cloud - sold + moved, cloud, sold, row[1], moved)


def low_skus(db: SqliteDatabase) -> list[tuple[str, str]]:
    """(sku, name) of the products the cloud found at or below their reorder point, by name
    (a sku the catalogue does not have is named by itself)."""
    return db.execute_sql(
        "SELECT s.sku, COALESCE(p.name, s.sku) FROM stock_level s "
        "LEFT JOIN product p ON p.sku = s.sku WHERE s.low = 1 ORDER BY 2, 1"
    ).fetchall()
