"""Quick keys (migration 19): one row per key on a page of the grid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from peewee import SqliteDatabase

from pos_common.quick_keys import KEYS_PER_PAGE, PAGES
from pos_desktop.domain.errors import DomainError

__all__ = ["KEYS_PER_PAGE", "PAGES", "QuickKey", "QuickKeyRepository"]


@dataclass(frozen=True, slots=True)
class QuickKey:
    page: int
    position: int
    label: str
    sku: str | None = None
    department: str | None = None
    price_minor: int | None = None
    colour: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.page <= PAGES or not 0 <= self.position < KEYS_PER_PAGE:
            raise DomainError(f"Quick keys go on pages 1-{PAGES}, positions 0-{KEYS_PER_PAGE - 1}.")
        if (self.sku is None) == (self.department is None):
            raise DomainError("A quick key sells either a product (SKU) or a department.")
        if not self.label.strip():
            raise DomainError("A quick key needs a label.")


class QuickKeyRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def page(self, page: int) -> dict[int, QuickKey]:
        rows = self._db.execute_sql(
            "SELECT page, position, label, sku, department, price_minor, colour FROM quick_key "
            "WHERE page = ? ORDER BY position",
            (page,),
        ).fetchall()
        return {row[1]: QuickKey(*row) for row in rows}

    def pages_in_use(self) -> list[int]:
        rows = self._db.execute_sql("SELECT DISTINCT page FROM quick_key ORDER BY page")
        return [row[0] for row in rows.fetchall()]

    def save(self, key: QuickKey) -> None:
        self._db.execute_sql(
            "INSERT INTO quick_key (page, position, label, sku, department, price_minor, colour) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (page, position) DO UPDATE SET "
            "label = excluded.label, sku = excluded.sku, department = excluded.department, "
            "price_minor = excluded.price_minor, colour = excluded.colour",
            (key.page, key.position, key.label, key.sku, key.department, key.price_minor,
             key.colour),
        )  # fmt: skip

    def clear(self, page: int, position: int) -> None:
        self._db.execute_sql(
            "DELETE FROM quick_key WHERE page = ? AND position = ?", (page, position)
        )


def apply_feed(db: SqliteDatabase, items: list[dict[str, Any]]) -> int:
    """Apply a page of the cloud's ``quick_keys`` feed (inside the puller's transaction).

    A key the cloud sends replaces the key at that place (one set at the till too); a
    tombstone clears it. Keys the cloud never sent stay as the till's manager set them.
    """
    conn = db.connection()
    conn.executemany(
        "DELETE FROM quick_key WHERE page = ? AND position = ?",
        [(i["data"]["page"], i["data"]["position"]) for i in items if i["op"] == "delete"],
    )
    conn.executemany(
        "INSERT INTO quick_key (page, position, label, sku, department, price_minor, colour) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (page, position) DO UPDATE SET "
        "label = excluded.label, sku = excluded.sku, department = excluded.department, "
        "price_minor = excluded.price_minor, colour = excluded.colour",
        [
            (
                d["page"],
                d["position"],
                d["label"],
                d.get("sku"),
                d.get("department"),
                d.get("price_minor"),
                d.get("colour"),
            )
            for d in (i["data"] for i in items if i["op"] == "upsert")
        ],
    )
    return len(items)
