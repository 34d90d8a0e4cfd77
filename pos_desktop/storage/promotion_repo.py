"""Promotions in the local db: one row per promotion, product groups expanded when loaded.

A promotion names its products directly (``product_ids``) and/or a product group
(``group_code``, members in ``product_group_member``). The loaded :class:`Promotion` always has
the expanded product ids, so pricing never touches the db. Rows are cached and reloaded only
when the table changed (one cheap query per re-price).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from time import monotonic
from typing import Any

from peewee import SqliteDatabase

from pos_desktop.domain import promotions as promo_mod
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.promotions import Promotion, Window

from .codec import parse_utc, utc_text

KINDS: dict[str, type[Promotion]] = {
    cls.__name__: cls
    for cls in (
        promo_mod.QuantityPrice,
        promo_mod.MixAndMatch,
        promo_mod.BuyXGetY,
        promo_mod.PercentOff,
        promo_mod.AmountOff,
        promo_mod.BonusPoints,
    )
}
_COMMON = {"promotion_id", "name", "product_ids", "window", "exclusive", "priority"}
_COLUMNS = (
    "id, name, kind, params, product_ids, group_code, starts_at, ends_at, weekdays, "
    "daily_start, daily_end, exclusive, priority"
)


def _params(promo: Promotion) -> dict[str, Any]:
    out = {}
    for f in dataclasses.fields(promo):
        if f.name in _COMMON:
            continue
        value = getattr(promo, f.name)
        out[f.name] = str(value) if isinstance(value, Decimal) else value
    return out


def save_promotion(
    db: SqliteDatabase,
    promo: Promotion,
    now: datetime,
    *,
    group_code: str | None = None,
    active: bool = True,
) -> None:
    """Insert or replace a promotion (the caller may wrap it in a transaction)."""
    kind = type(promo).__name__
    if kind not in KINDS:
        raise ValueError(f"unknown promotion kind {kind}")
    w = promo.window
    db.execute_sql(
        f"INSERT OR REPLACE INTO promotion ({_COLUMNS}, active, updated_at) "  # noqa: S608
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            promo.promotion_id,
            promo.name,
            kind,
            json.dumps(_params(promo), sort_keys=True),
            json.dumps(sorted(promo.product_ids)),
            group_code,
            utc_text(w.starts_at) if w.starts_at else None,
            utc_text(w.ends_at) if w.ends_at else None,
            json.dumps(sorted(w.weekdays)) if w.weekdays is not None else None,
            w.daily_start.isoformat() if w.daily_start else None,
            w.daily_end.isoformat() if w.daily_end else None,
            int(promo.exclusive),
            promo.priority,
            int(active),
            utc_text(now),
        ),
    )


def set_group(db: SqliteDatabase, group_code: str, product_ids: Iterable[str]) -> None:
    """Replace the members of a product group."""
    with db.atomic():
        db.execute_sql("DELETE FROM product_group_member WHERE group_code = ?", (group_code,))
        db.connection().executemany(
            "INSERT INTO product_group_member (group_code, product_id) VALUES (?, ?)",
            [(group_code, pid) for pid in product_ids],
        )
        # Touch the promotions on this group so caches reload.
        db.execute_sql(
            "UPDATE promotion SET updated_at = updated_at || '' WHERE group_code = ?",
            (group_code,),
        )


def _row_to_promotion(row, groups: dict[str, set[str]]) -> Promotion:
    (pid, name, kind, params, product_ids, group_code, starts, ends, weekdays, d_start, d_end,
     exclusive, priority) = row  # fmt: skip
    cls = KINDS[kind]
    values = json.loads(params)
    for f in dataclasses.fields(cls):
        if f.name in values and f.type in ("Decimal", Decimal):
            values[f.name] = Decimal(values[f.name])
    products = set(json.loads(product_ids)) | groups.get(group_code or "", set())
    window = Window(
        starts_at=parse_utc(starts) if starts else None,
        ends_at=parse_utc(ends) if ends else None,
        weekdays=frozenset(json.loads(weekdays)) if weekdays else None,
        daily_start=time.fromisoformat(d_start) if d_start else None,
        daily_end=time.fromisoformat(d_end) if d_end else None,
    )
    return cls(
        promotion_id=pid,
        name=name,
        product_ids=frozenset(products),
        window=window,
        exclusive=bool(exclusive),
        priority=priority,
        **values,
    )


class PromotionRepository:
    """The active promotion rows as domain :class:`Promotion` objects, cached."""

    def __init__(self, db: SqliteDatabase, *, recheck_after_s: float = 1.0) -> None:
        self._db = db
        self._stamp: tuple | None = None
        self._cache: list[Promotion] = []
        # The screen re-prices on every scan; asking the db whether promotions changed at most
        # once a second keeps that off the scan path (a synced change shows within a second).
        self._recheck_after_s = recheck_after_s
        self._checked_at = float("-inf")

    def invalidate(self) -> None:
        """Look at the db on the next call (after writing promotions on this till)."""
        self._checked_at = float("-inf")

    def _current_stamp(self) -> tuple:
        promo = self._db.execute_sql(
            "SELECT COUNT(*), MAX(updated_at), TOTAL(active) FROM promotion"
        ).fetchone()
        members = self._db.execute_sql("SELECT COUNT(*) FROM product_group_member").fetchone()
        return (*promo, *members)

    def promotions(self) -> list[Promotion]:
        """Every enabled promotion (time windows are checked by the pricing engine)."""
        now = monotonic()
        if now - self._checked_at < self._recheck_after_s:
            return self._cache
        self._checked_at = now
        stamp = self._current_stamp()
        if stamp != self._stamp:
            self._cache = self._load()
            self._stamp = stamp
        return self._cache

    def _load(self) -> list[Promotion]:
        groups: dict[str, set[str]] = {}
        for code, pid in self._db.execute_sql(
            "SELECT group_code, product_id FROM product_group_member"
        ):
            groups.setdefault(code, set()).add(pid)
        rows = self._db.execute_sql(
            f"SELECT {_COLUMNS} FROM promotion WHERE active = 1 ORDER BY id"  # noqa: S608
        ).fetchall()
        return [_row_to_promotion(row, groups) for row in rows]


# --- the cloud's feeds -----------------------------------------------------------------------

CATEGORY_GROUP = "category:"  # group code prefix of a cloud category's members
_CATEGORY_RANGE = "group_code >= 'category:' AND group_code < 'category;'"  # ';' follows ':'
_UNINDEXED_RANGE = "+group_code >= 'category:' AND +group_code < 'category;'"


def category_group(category: str) -> str:
    return CATEGORY_GROUP + category


def apply_categories(db: SqliteDatabase, items: list[dict[str, Any]], now: datetime) -> int:
    """Keep each synced product's cloud category as its ``category:<name>`` group membership.

    Runs in the puller's transaction after a products page; items without a ``category`` key
    (an older cloud) leave the membership alone. Promotions on a group whose members changed
    are touched, so the pricing cache reloads them.
    """
    given = {i["id"]: i["data"].get("category") for i in items if "category" in i["data"]}
    if not given:
        return 0
    has_members = db.execute_sql(
        f"SELECT 1 FROM product_group_member WHERE {_CATEGORY_RANGE} LIMIT 1"  # noqa: S608
    ).fetchone()
    if not has_members and not any(given.values()):
        return 0  # a first sync of a catalogue without categories costs nothing here
    ids = json.dumps(list(given))
    old: set[str] = set()
    if has_members:
        # "+group_code": probe the product_id index once per item instead of scanning every
        # category member per page (that made a 1M first sync quadratic).
        old = {
            code
            for (code,) in db.execute_sql(
                f"SELECT DISTINCT group_code FROM product_group_member WHERE {_UNINDEXED_RANGE} "  # noqa: S608
                "AND product_id IN (SELECT value FROM json_each(?))",
                (ids,),
            )
        }
    if old:
        db.execute_sql(
            f"DELETE FROM product_group_member WHERE {_UNINDEXED_RANGE} "  # noqa: S608
            "AND product_id IN (SELECT value FROM json_each(?))",
            (ids,),
        )
    members = [
        (category_group(category), pid)
        for i in items
        if i["op"] == "upsert"
        for pid, category in ((i["id"], given.get(i["id"])),)
        if category
    ]
    db.connection().executemany(
        "INSERT OR IGNORE INTO product_group_member (group_code, product_id) VALUES (?, ?)",
        members,
    )
    touched = old | {code for code, _ in members}
    if touched:
        db.execute_sql(
            "UPDATE promotion SET updated_at = ? WHERE group_code IN "
            "(SELECT value FROM json_each(?))",
            (utc_text(now), json.dumps(sorted(touched))),
        )
    return len(members)


def promotion_from_feed(promotion_id: str, data: dict[str, Any]) -> Promotion:
    """The domain promotion a ``promotions`` feed item describes (DomainError, KeyError,
    TypeError or ValueError when this till cannot run it)."""
    cls = KINDS[data["kind"]]
    values = dict(data["params"])
    for f in dataclasses.fields(cls):
        if f.name in values and f.type in ("Decimal", Decimal):
            values[f.name] = Decimal(str(values[f.name]))
    window = Window(
        starts_at=parse_utc(data["starts_at"]) if data.get("starts_at") else None,
        ends_at=parse_utc(data["ends_at"]) if data.get("ends_at") else None,
    )
    return cls(
        promotion_id=promotion_id,
        name=data["name"],
        product_ids=frozenset(data.get("product_ids") or ()),
        window=window,
        **values,
    )


def apply_feed(db: SqliteDatabase, items: list[dict[str, Any]], now: datetime) -> int:
    """Apply a page of the cloud's ``promotions`` feed (inside the puller's transaction).

    A promotion the cloud sends replaces the till's row of that id; an ended or removed one
    stays as an inactive row. One this till cannot run (a kind of a newer cloud) is switched
    off rather than breaking the pricing of every cart.
    """
    applied = 0
    for item in items:
        data = item.get("data") or {}
        promo = _runnable(item["id"], data) if item["op"] == "upsert" else None
        if promo is None:
            db.execute_sql(
                "UPDATE promotion SET active = 0, updated_at = ? WHERE id = ?",
                (utc_text(now), item["id"]),
            )
            continue
        category = data.get("category")
        save_promotion(
            db,
            promo,
            now,
            group_code=category_group(category) if category else None,
            active=bool(data.get("active", True)),
        )
        applied += 1
    return applied


def _runnable(promotion_id: str, data: dict[str, Any]) -> Promotion | None:
    try:
        return promotion_from_feed(promotion_id, data)
    except (DomainError, KeyError, TypeError, ValueError, InvalidOperation):
        return None
