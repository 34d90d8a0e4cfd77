"""Storage for cloud sync: credentials, feed cursors, push lease, outbox outcomes, pulled pages.

Every function expects the caller to own the transaction unless it says otherwise; the pull
applies one feed page (items + cursor) inside a single ``db.atomic()``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from peewee import SqliteDatabase

from pos_desktop.domain.tax import TaxRate

from .catalog_repo import upsert_product_rows, upsert_tax_rates
from .codec import utc_text
from .secrets import SecretBox

PUSH_LEASE = "push"


class MissingReference(Exception):
    """A pulled row points at a row this till does not have yet (tax code, product)."""

    def __init__(self, stream: str, keys: Iterable[str]) -> None:
        self.stream = stream
        self.keys = sorted(set(keys))
        shown = ", ".join(self.keys[:5])
        super().__init__(f"the cloud sent rows that need {stream} the till does not have: {shown}")


@dataclass(frozen=True, slots=True)
class Credentials:
    """What enrolling gave this till; ``token`` is its bearer secret (stored sealed, see
    :mod:`pos_desktop.storage.secrets`; here in clear)."""

    cloud_url: str
    terminal_id: str
    store_id: str
    token: str
    currency: str
    terminal_name: str
    enrolled_at: str


@dataclass(frozen=True, slots=True)
class SyncHealth:
    last_success_at: str | None
    last_error: str | None
    last_error_at: str | None


# --- credentials and health ----------------------------------------------------------------


def load_credentials(db: SqliteDatabase) -> Credentials | None:
    row = db.execute_sql(
        "SELECT cloud_url, terminal_id, store_id, token, currency, terminal_name, enrolled_at "
        "FROM sync_state WHERE id = 1"
    ).fetchone()
    if not row:
        return None
    creds = Credentials(*row)
    return replace(creds, token=SecretBox.for_database(db).open(creds.token))


def enrolled_cloud_url(db: SqliteDatabase) -> str | None:
    """The cloud this till is enrolled with (its digital receipts' links), or None."""
    row = db.execute_sql("SELECT cloud_url FROM sync_state WHERE id = 1").fetchone()
    return str(row[0]) if row and row[0] else None


def save_credentials(db: SqliteDatabase, creds: Credentials) -> None:
    """Store new credentials; a re-enrolment starts every feed from the beginning."""
    with db.atomic():
        db.execute_sql(
            "INSERT INTO sync_state (id, cloud_url, terminal_id, store_id, token, currency, "
            "terminal_name, enrolled_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO "
            "UPDATE SET cloud_url = excluded.cloud_url, terminal_id = excluded.terminal_id, "
            "store_id = excluded.store_id, token = excluded.token, currency = excluded.currency,"
            " terminal_name = excluded.terminal_name, enrolled_at = excluded.enrolled_at, "
            "last_success_at = NULL, last_error = NULL, last_error_at = NULL",
            (
                creds.cloud_url,
                creds.terminal_id,
                creds.store_id,
                SecretBox.for_database(db).seal(creds.token),
                creds.currency,
                creds.terminal_name,
                creds.enrolled_at,
            ),
        )
        db.execute_sql("DELETE FROM feed_cursor")


def record_success(db: SqliteDatabase, now: datetime) -> None:
    db.execute_sql(
        "UPDATE sync_state SET last_success_at = ?, last_error = NULL, last_error_at = NULL "
        "WHERE id = 1",
        (utc_text(now),),
    )


def record_error(db: SqliteDatabase, message: str, now: datetime) -> None:
    db.execute_sql(
        "UPDATE sync_state SET last_error = ?, last_error_at = ? WHERE id = 1",
        (message[:500], utc_text(now)),
    )


def health(db: SqliteDatabase) -> SyncHealth:
    row = db.execute_sql(
        "SELECT last_success_at, last_error, last_error_at FROM sync_state WHERE id = 1"
    ).fetchone()
    return SyncHealth(*row) if row else SyncHealth(None, None, None)


# --- feed cursors -----------------------------------------------------------------------------


def get_cursor(db: SqliteDatabase, stream: str) -> str | None:
    row = db.execute_sql("SELECT cursor FROM feed_cursor WHERE stream = ?", (stream,)).fetchone()
    return row[0] if row else None


def set_cursor(db: SqliteDatabase, stream: str, cursor: str, now: datetime) -> None:
    db.execute_sql(
        "INSERT INTO feed_cursor (stream, cursor, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (stream) DO UPDATE SET cursor = excluded.cursor, "
        "updated_at = excluded.updated_at",
        (stream, cursor, utc_text(now)),
    )


def reset_cursor(db: SqliteDatabase, stream: str) -> None:
    db.execute_sql("DELETE FROM feed_cursor WHERE stream = ?", (stream,))


# --- push lease -------------------------------------------------------------------------------


def acquire_lease(
    db: SqliteDatabase, holder: str, ttl_s: float, now_s: float, name: str = PUSH_LEASE
) -> bool:
    """Take or renew the lease unless someone else holds an unexpired one (own transaction).

    ``BEGIN IMMEDIATE`` takes SQLite's write lock first, so two processes can never both read
    "free" and both write themselves in.
    """
    with db.atomic("IMMEDIATE"):
        row = db.execute_sql(
            "SELECT holder, expires_at FROM sync_lease WHERE name = ?", (name,)
        ).fetchone()
        if row and row[0] != holder and row[1] > now_s:
            return False
        db.execute_sql(
            "INSERT INTO sync_lease (name, holder, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
            "expires_at = excluded.expires_at",
            (name, holder, now_s + ttl_s),
        )
    return True


def release_lease(db: SqliteDatabase, holder: str, name: str = PUSH_LEASE) -> None:
    with db.atomic("IMMEDIATE"):
        db.execute_sql("DELETE FROM sync_lease WHERE name = ? AND holder = ?", (name, holder))


def lease_holder(db: SqliteDatabase, now_s: float, name: str = PUSH_LEASE) -> str | None:
    row = db.execute_sql(
        "SELECT holder FROM sync_lease WHERE name = ? AND expires_at > ?", (name, now_s)
    ).fetchone()
    return row[0] if row else None


# --- outbox outcomes --------------------------------------------------------------------------


def journal_hash_for(db: SqliteDatabase, type_: str, object_id: str | None) -> str | None:
    """The journal chain hash written with this business record, when there is one."""
    if not object_id:
        return None
    row = db.execute_sql(
        "SELECT hash FROM journal WHERE type = ? AND object_id = ? ORDER BY seq DESC LIMIT 1",
        (type_, object_id),
    ).fetchone()
    return row[0] if row else None


def mark_sent(db: SqliteDatabase, event_ids: list[str], now: datetime) -> None:
    stamp = utc_text(now)
    db.connection().executemany(
        "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, "
        "last_error = NULL WHERE event_id = ? AND status = 'pending'",
        [(stamp, eid) for eid in event_ids],
    )


def park(db: SqliteDatabase, reasons: dict[str, str]) -> None:
    """Set events aside that the cloud will never accept as they are (shown in the UI)."""
    db.connection().executemany(
        "UPDATE outbox SET status = 'parked', attempts = attempts + 1, last_error = ? "
        "WHERE event_id = ? AND status = 'pending'",
        [(reason, eid) for eid, reason in reasons.items()],
    )


def note_failed_attempt(db: SqliteDatabase, event_ids: list[str], error: str) -> None:
    db.connection().executemany(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE event_id = ?",
        [(error[:500], eid) for eid in event_ids],
    )


def outbox_counts(db: SqliteDatabase) -> tuple[int, int]:
    """(pending, parked) event counts."""
    rows = dict(
        db.execute_sql(
            "SELECT status, COUNT(*) FROM outbox WHERE status IN ('pending', 'parked') "
            "GROUP BY status"
        ).fetchall()
    )
    return rows.get("pending", 0), rows.get("parked", 0)


def parked_reasons(db: SqliteDatabase, limit: int = 5) -> list[tuple[int, str, str]]:
    """The oldest parked events as (seq, type, reason)."""
    rows = db.execute_sql(
        "SELECT seq, type, COALESCE(last_error, '') FROM outbox WHERE status = 'parked' "
        "ORDER BY seq LIMIT ?",
        (limit,),
    ).fetchall()
    return [tuple(r) for r in rows]


# --- applying feed pages ----------------------------------------------------------------------


def apply_products(db: SqliteDatabase, items: list[dict[str, Any]], now: datetime) -> int:
    """Upsert products; a tombstone deactivates (sales and history still point at it).

    ``sold_by_weight`` is not in the cloud feed and is reset to 0 for synced products.
    """
    stamp = utc_text(now)
    rows = [
        (
            item["id"],
            d["sku"],
            d["name"],
            int(d["price_minor"]),
            d["tax_code"],
            int(bool(d.get("active", True)) and item["op"] != "delete"),
            0,
            stamp,
        )
        for item in items
        for d in (item["data"],)
    ]
    codes = {row[4] for row in rows}
    known = _existing(db, "SELECT code FROM tax_rate WHERE code IN ({})", codes)
    if codes - known:
        raise MissingReference("tax rates", codes - known)
    rename_sku_holders(db, {row[1]: row[0] for row in rows})
    return upsert_product_rows(db, rows)


# The page travels as one JSON object {sku: product id} (skus are unique per store in the
# cloud, so per page too): json_each walks it and probes the sku index once per entry, all in
# one statement instead of one UPDATE per product (a first sync of 1M products ran 1M).
# ``rowid IN (...)`` collects every row first, so a renamed row is never looked at again.
_RENAME_SQL = (
    "UPDATE product SET sku = sku || '~' || id, active = 0 WHERE rowid IN ("
    "SELECT p.rowid FROM json_each(?) AS j JOIN product AS p ON p.sku = j.key "
    "WHERE p.id <> j.value)"
)


def rename_sku_holders(db: SqliteDatabase, owners: dict[str, str]) -> int:
    """Rename and deactivate local products that hold a synced sku under another id.

    The cloud is the master for skus: such a product becomes ``SKU~id`` and inactive, so the
    UNIQUE(sku) constraint cannot block the page. ``owners`` maps each synced sku to the id
    the cloud gave it; returns how many local products were renamed.
    """
    if not owners:
        return 0
    return db.execute_sql(_RENAME_SQL, (_json(owners),)).rowcount


def apply_barcodes(db: SqliteDatabase, items: list[dict[str, Any]]) -> int:
    upserts = [(i["id"], i["data"]["product_id"]) for i in items if i["op"] == "upsert"]
    deletes = [(i["id"],) for i in items if i["op"] == "delete"]
    missing = missing_products(db, {pid for _, pid in upserts})
    if missing:
        raise MissingReference("products", missing)
    conn = db.connection()
    conn.executemany("DELETE FROM barcode WHERE gtin = ?", deletes)
    conn.executemany(
        "INSERT INTO barcode (gtin, product_id) VALUES (?, ?) "
        "ON CONFLICT (gtin) DO UPDATE SET product_id = excluded.product_id",
        upserts,
    )
    return len(items)


def apply_tax_rates(db: SqliteDatabase, items: list[dict[str, Any]]) -> int:
    """Upsert rates (basis points -> exact percent); a deleted rate still in use is kept."""
    rates = [
        TaxRate(i["data"]["code"], i["data"]["name"], Decimal(int(i["data"]["rate_bp"])) / 100)
        for i in items
        if i["op"] == "upsert"
    ]
    upsert_tax_rates(db, rates)
    db.connection().executemany(
        "DELETE FROM tax_rate WHERE code = ? AND NOT EXISTS "
        "(SELECT 1 FROM product WHERE tax_code = tax_rate.code)",
        [(i["id"],) for i in items if i["op"] == "delete"],
    )
    return len(items)


def apply_customers(db: SqliteDatabase, items: list[dict[str, Any]], now: datetime) -> int:
    conn, stamp = db.connection(), utc_text(now)
    conn.executemany(
        "DELETE FROM customer WHERE id = ?", [(i["id"],) for i in items if i["op"] == "delete"]
    )
    conn.executemany(
        "INSERT INTO customer (id, name, email, phone, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, "
        "phone = excluded.phone, updated_at = excluded.updated_at",
        [
            (i["id"], i["data"]["name"], i["data"].get("email"), i["data"].get("phone"), stamp)
            for i in items
            if i["op"] == "upsert"
        ],
    )
    return len(items)


def apply_stock(db: SqliteDatabase, items: list[dict[str, Any]], now: datetime) -> int:
    conn, stamp = db.connection(), utc_text(now)
    conn.executemany(
        "DELETE FROM stock_level WHERE sku = ?", [(i["id"],) for i in items if i["op"] == "delete"]
    )
    conn.executemany(
        "INSERT INTO stock_level (sku, quantity, updated_at, low) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (sku) DO UPDATE SET quantity = excluded.quantity, "
        "updated_at = excluded.updated_at, low = excluded.low",
        [
            # ``low`` only comes when the cloud found it at or below its reorder point
            (i["id"], str(i["data"]["quantity"]), stamp, 1 if i["data"].get("low") else 0)
            for i in items
            if i["op"] == "upsert"
        ],
    )
    return len(items)


def apply_stores(db: SqliteDatabase, items: list[dict[str, Any]], now: datetime) -> int:
    """The organisation's other stores (where a transfer can go)."""
    conn, stamp = db.connection(), utc_text(now)
    conn.executemany(
        "DELETE FROM known_store WHERE id = ?", [(i["id"],) for i in items if i["op"] == "delete"]
    )
    conn.executemany(
        "INSERT INTO known_store (id, name, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at",
        [(i["id"], i["data"]["name"], stamp) for i in items if i["op"] == "upsert"],
    )
    return len(items)


def apply_transfers(db: SqliteDatabase, items: list[dict[str, Any]], now: datetime) -> int:
    """Transfers on their way to this store (deleted once received at any till of it)."""
    conn, stamp = db.connection(), utc_text(now)
    conn.executemany(
        "DELETE FROM incoming_transfer WHERE id = ?",
        [(i["id"],) for i in items if i["op"] == "delete"],
    )
    conn.executemany(
        "INSERT INTO incoming_transfer (id, from_store, lines, sent_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET from_store = excluded.from_store, "
        "lines = excluded.lines, sent_at = excluded.sent_at, updated_at = excluded.updated_at",
        [
            (i["id"], i["data"]["from_store"], json.dumps(i["data"]["lines"]),
             i["data"].get("sent_at"), stamp)
            for i in items
            if i["op"] == "upsert"
        ],
    )  # fmt: skip
    return len(items)


def apply_purchase_orders(db: SqliteDatabase, items: list[dict[str, Any]], now: datetime) -> int:
    """The store's open purchase orders (deleted once received in full or closed)."""
    conn, stamp = db.connection(), utc_text(now)
    conn.executemany(
        "DELETE FROM purchase_order WHERE id = ?",
        [(i["id"],) for i in items if i["op"] == "delete"],
    )
    conn.executemany(
        "INSERT INTO purchase_order (id, number, supplier, expected_date, lines, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET number = excluded.number, "
        "supplier = excluded.supplier, expected_date = excluded.expected_date, "
        "lines = excluded.lines, updated_at = excluded.updated_at",
        [
            (i["id"], i["data"]["number"], i["data"]["supplier"], i["data"].get("expected_date"),
             json.dumps(i["data"]["lines"]), stamp)
            for i in items
            if i["op"] == "upsert"
        ],
    )  # fmt: skip
    return len(items)


# One anti-join over the page's ids (a JSON array) instead of 20 chunked ``IN`` lists.
_MISSING_PRODUCTS_SQL = (
    "SELECT j.value FROM json_each(?) AS j "
    "WHERE NOT EXISTS (SELECT 1 FROM product AS p WHERE p.id = j.value)"
)


def missing_products(db: SqliteDatabase, product_ids: Iterable[str]) -> set[str]:
    """The ids among ``product_ids`` that the till has no product for."""
    ids = list(product_ids)
    if not ids:
        return set()
    return {r[0] for r in db.execute_sql(_MISSING_PRODUCTS_SQL, (_json(ids),)).fetchall()}


def _json(value: Any) -> str:
    # Text, not bytes: SQLite's JSON functions refuse a BLOB argument.
    return orjson.dumps(value).decode()


def _existing(db: SqliteDatabase, sql: str, keys: set[str]) -> set[str]:
    found: set[str] = set()
    keys_list = list(keys)
    # SQLite limits bound parameters per statement; 500 stays far below every build's limit.
    for start in range(0, len(keys_list), 500):
        chunk = keys_list[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        found.update(r[0] for r in db.execute_sql(sql.format(marks), chunk).fetchall())
    return found


# -- what the stock feeds stored, read by the till's stock services ------------------------------


def known_stores(db: SqliteDatabase) -> list[tuple[str, str]]:
    """(store id, name) of the organisation's other stores, by name."""
    return db.execute_sql("SELECT id, name FROM known_store ORDER BY name, id").fetchall()


def incoming_transfers(db: SqliteDatabase) -> list[tuple[str, str, list[dict], str | None]]:
    """(id, from store, lines, sent at) of the transfers on their way to this store."""
    rows = db.execute_sql(
        "SELECT id, from_store, lines, sent_at FROM incoming_transfer ORDER BY sent_at, id"
    ).fetchall()
    return [(i, f, json.loads(lines), sent) for i, f, lines, sent in rows]


def open_purchase_orders(db: SqliteDatabase) -> list[tuple[str, int, str, str | None, list[dict]]]:
    """(id, number, supplier, expected date, lines) of the store's open orders, by number."""
    rows = db.execute_sql(
        "SELECT id, number, supplier, expected_date, lines FROM purchase_order ORDER BY number"
    ).fetchall()
    return [(i, n, s, e, json.loads(lines)) for i, n, s, e, lines in rows]
