"""Search the catalogue as the cashier types: names, SKUs and barcode beginnings.

Every query is bounded: FTS5 hands matches back in index order and stops at the LIMIT, so a
one-letter query over a million products costs no more than a five-letter one (an ``ORDER BY
rank`` would score every match first). Ranking is by kind of match instead: an exact SKU, then
names whose first word starts with the first typed word, then any word match, then barcodes that
start with the typed digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from peewee import SqliteDatabase

_WORD = re.compile(r"\w+", re.UNICODE)
_COLUMNS = "p.id, p.sku, p.name, p.price_minor, p.sold_by_weight"
_FTS_SQL = (
    f"SELECT {_COLUMNS} FROM product_search s JOIN product p ON p.rowid = s.rowid "
    "WHERE product_search MATCH ? AND p.active = 1 LIMIT ?"
)
# The SKU index is case-sensitive: ask for the typed, upper- and lower-case spellings (three index
# probes) instead of a COLLATE NOCASE comparison that would scan the whole table.
_SKU_SQL = f"SELECT {_COLUMNS} FROM product p WHERE p.sku IN (?, ?, ?) AND p.active = 1"
_GTIN_PREFIX_SQL = (
    f"SELECT {_COLUMNS} FROM barcode b JOIN product p ON p.id = b.product_id "
    "WHERE b.gtin >= ? AND b.gtin < ? AND p.active = 1 LIMIT ?"
)
MIN_BARCODE_DIGITS = 4  # fewer digits match too much to be a barcode fragment


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One product found: enough to show it and to add it by SKU."""

    product_id: str
    sku: str
    name: str
    price_minor: int
    sold_by_weight: bool


def match_expression(text: str) -> str | None:
    """The FTS5 query for typed ``text``: every word as a prefix, all required.

    Words are quoted, so nothing the cashier types is read as FTS5 syntax (``AND``, ``*``, ``"``).
    """
    words = _WORD.findall(text)
    if not words:
        return None
    return " ".join(f'"{w}"*' for w in words)


class ProductSearch:
    """Type-ahead over the product_search index (migration 17)."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def _rows(self, sql: str, params: tuple) -> list[SearchHit]:
        rows = self._db.execute_sql(sql, params).fetchall()
        return [SearchHit(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        """Products matching ``text``, best kind of match first, at most ``limit``."""
        text = text.strip()
        expression = match_expression(text)
        if expression is None or limit <= 0:
            return []
        found: dict[str, SearchHit] = {}

        def take(hits: list[SearchHit]) -> None:
            for hit in hits:
                if len(found) < limit:
                    found.setdefault(hit.product_id, hit)

        take(self._rows(_SKU_SQL, (text, text.upper(), text.lower())))
        first, *rest = expression.split(" ")
        starts = " AND ".join([f"name : ^{first}", *rest])  # the name's first word
        take(sorted(self._rows(_FTS_SQL, (starts, limit)), key=lambda h: h.name.casefold()))
        take(sorted(self._rows(_FTS_SQL, (expression, limit)), key=lambda h: h.name.casefold()))
        digits = text.replace(" ", "")
        if len(found) < limit and digits.isdigit() and len(digits) >= MIN_BARCODE_DIGITS:
            take(self._barcodes(digits, limit - len(found)))
        return list(found.values())

    def _barcodes(self, digits: str, limit: int) -> list[SearchHit]:
        """Barcodes that start with ``digits`` as read off an EAN-13 label (stored as GTIN-14:
        one padding zero first) or off a GTIN-14 label (as typed)."""
        hits: list[SearchHit] = []
        for prefix in ("0" + digits, digits):
            if len(prefix) <= 14 and len(hits) < limit:
                hits += self._rows(_GTIN_PREFIX_SQL, (prefix, prefix + ":", limit - len(hits)))
        return hits
