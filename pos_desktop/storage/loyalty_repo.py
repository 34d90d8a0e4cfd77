"""What the loyalty earn rules read and keep: products' categories and each sale's rates."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import SqliteDatabase

from .promotion_repo import CATEGORY_GROUP


def categories_of(db: SqliteDatabase, product_ids: Iterable[str]) -> dict[str, str]:
    """product id -> its cloud category, for those that have one."""
    ids = json.dumps(sorted(set(product_ids)))
    rows = db.execute_sql(
        "SELECT product_id, group_code FROM product_group_member "
        "WHERE product_id IN (SELECT value FROM json_each(?)) "
        "AND group_code >= 'category:' AND group_code < 'category;'",
        (ids,),
    ).fetchall()
    return {pid: code[len(CATEGORY_GROUP) :] for pid, code in rows}


@dataclass(frozen=True, slots=True)
class SaleEarning:
    """The rates a sale earned at (``multipliers``: line id -> multiplier, lines not at x1;
    ``extras``: line id -> bonus promotions' extra points, lines with some), what it earned and
    what its refunds took back so far."""

    per_unit: int
    multipliers: dict[str, Decimal]
    earned: int
    taken_back: int
    extras: dict[str, int] = field(default_factory=dict)


def save_sale_earning(
    db: SqliteDatabase,
    sale_id: str,
    per_unit: int,
    multipliers: dict[str, Decimal],
    earned: int,
    extras: dict[str, int] | None = None,
) -> None:
    """Keep what ``sale_id`` earned and at which rates (call in the sale's transaction)."""
    text = json.dumps({k: f"{v:f}" for k, v in sorted(multipliers.items())})
    extra_text = json.dumps({k: v for k, v in sorted((extras or {}).items()) if v})
    db.execute_sql(
        "INSERT OR REPLACE INTO loyalty_sale_rate "
        "(sale_id, per_unit, line_multipliers, earned, taken_back, line_extras) "
        "VALUES (?, ?, ?, ?, 0, ?)",
        (sale_id, per_unit, text, earned, extra_text),
    )


def sale_earning(db: SqliteDatabase, sale_id: str) -> SaleEarning | None:
    """What ``sale_id`` earned and at which rates; None when it earned before this was kept."""
    row = db.execute_sql(
        "SELECT per_unit, line_multipliers, earned, taken_back, line_extras "
        "FROM loyalty_sale_rate WHERE sale_id = ?",
        (sale_id,),
    ).fetchone()
    if row is None:
        return None
    multipliers = {k: Decimal(v) for k, v in json.loads(row[1]).items()}
    extras = {k: int(v) for k, v in json.loads(row[4] or "{}").items()}
    return SaleEarning(int(row[0]), multipliers, int(row[2]), int(row[3]), extras)


def points_earned_by(db: SqliteDatabase, sale_id: str) -> int | None:
    """The points ``sale_id`` earned its customer (None: it earned none or had no customer)."""
    row = db.execute_sql(
        "SELECT earned FROM loyalty_sale_rate WHERE sale_id = ?", (sale_id,)
    ).fetchone()
    return int(row[0]) if row and row[0] > 0 else None


def add_taken_back(db: SqliteDatabase, sale_id: str, points: int) -> None:
    """Count ``points`` more taken back from ``sale_id`` (call in the refund's transaction)."""
    db.execute_sql(
        "UPDATE loyalty_sale_rate SET taken_back = taken_back + ? WHERE sale_id = ?",
        (points, sale_id),
    )
