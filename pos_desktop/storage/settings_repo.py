"""The single store-settings row."""

from __future__ import annotations

from dataclasses import asdict

from peewee import SqliteDatabase

from pos_desktop.domain.store import StoreSettings

_FIELDS = [
    "name",
    "address",
    "currency",
    "prices_include_tax",
    "receipt_header",
    "receipt_footer",
    "terminal_id",
    "locale",
    "barcode_region",
    "tax_id",
    "country",
    "language",
    "receipt_logo",
    "timezone",
    "receipt_qr",
]


def load_settings(db: SqliteDatabase) -> StoreSettings | None:
    sql = f"SELECT {', '.join(_FIELDS)} FROM store_settings WHERE id = 1"  # noqa: S608
    row = db.execute_sql(sql).fetchone()
    if row is None:
        return None
    values = dict(zip(_FIELDS, row, strict=True))
    values["prices_include_tax"] = bool(values["prices_include_tax"])
    values["receipt_qr"] = bool(values["receipt_qr"])
    return StoreSettings(**values)


def save_settings(db: SqliteDatabase, settings: StoreSettings) -> None:
    """Create or replace the store settings and make sure the receipt counter exists."""
    values = asdict(settings)
    cols = ", ".join(_FIELDS)
    marks = ", ".join("?" for _ in _FIELDS)
    updates = ", ".join(f"{f} = excluded.{f}" for f in _FIELDS)
    with db.atomic():
        db.execute_sql(
            f"INSERT INTO store_settings (id, {cols}) VALUES (1, {marks}) "  # noqa: S608
            f"ON CONFLICT (id) DO UPDATE SET {updates}",
            [int(values[f]) if isinstance(values[f], bool) else values[f] for f in _FIELDS],
        )
        db.execute_sql(
            "INSERT OR IGNORE INTO receipt_counter (terminal_id, last_number) VALUES (?, 0)",
            (settings.terminal_id,),
        )
