"""Rows of the POS API: registered apps, payment requests, pushed orders and callbacks.

Plain SQL over the caller's db; the caller owns transactions (the service wraps each action).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from peewee import SqliteDatabase

from .codec import utc_text
from .secrets import SecretBox

OPEN_REQUEST_STATUSES = ("pending", "accepted")
_APP_COLS = "id, name, callback_url_prefix, created_at, revoked_at"
_REQ_COLS = (
    "id, app_id, amount_minor, currency, payment_types, callback_url, reference, description, "
    "api_version, idempotency_key, body_hash, status, tender, card_brand, last4, auth_code, "
    "receipt_number, sale_id, message, created_at, updated_at"
)
_CB_COLS = (
    "c.id, c.delivery_id, c.request_id, c.app_id, c.url, c.body, c.status, c.attempts, "
    "c.next_attempt_at, c.last_error, a.signing_key"
)


@dataclass(frozen=True, slots=True)
class AppRow:
    id: str
    name: str
    callback_url_prefix: str
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class RequestRow:
    id: str
    app_id: str
    amount_minor: int
    currency: str
    payment_types: str  # JSON list
    callback_url: str
    reference: str
    description: str
    api_version: str
    idempotency_key: str | None
    body_hash: str
    status: str
    tender: str | None
    card_brand: str | None
    last4: str | None
    auth_code: str | None
    receipt_number: int | None
    sale_id: str | None
    message: str | None
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class CallbackRow:
    id: int
    delivery_id: str
    request_id: str
    app_id: str
    url: str
    body: str
    status: str
    attempts: int
    next_attempt_at: float
    last_error: str | None
    signing_key: str | None  # None once the app is revoked: nothing is sent then


class PosApiRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    # -- apps -------------------------------------------------------------------------------

    def insert_app(
        self, app_id: str, name: str, prefix: str, key_hash: str, key: str, now: datetime
    ) -> None:
        """Store an app: its key's hash (to log in) and the key sealed (to sign callbacks)."""
        sealed = SecretBox.for_database(self._db).seal(key)
        self._db.execute_sql(
            "INSERT INTO api_app (id, name, callback_url_prefix, key_hash, signing_key, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (app_id, name, prefix, key_hash, sealed, utc_text(now)),
        )

    def apps(self) -> list[AppRow]:
        rows = self._db.execute_sql(f"SELECT {_APP_COLS} FROM api_app ORDER BY created_at")
        return [AppRow(*r) for r in rows.fetchall()]

    def app(self, app_id: str) -> AppRow | None:
        row = self._db.execute_sql(
            f"SELECT {_APP_COLS} FROM api_app WHERE id = ?", (app_id,)
        ).fetchone()
        return AppRow(*row) if row else None

    def app_by_key_hash(self, key_hash: str) -> AppRow | None:
        row = self._db.execute_sql(
            f"SELECT {_APP_COLS} FROM api_app WHERE key_hash = ? AND revoked_at IS NULL",
            (key_hash,),
        ).fetchone()
        return AppRow(*row) if row else None

    def revoke_app(self, app_id: str, now: datetime) -> bool:
        """Revoke and forget the raw key (no more callbacks are signed with it)."""
        cur = self._db.execute_sql(
            "UPDATE api_app SET revoked_at = ?, signing_key = NULL "
            "WHERE id = ? AND revoked_at IS NULL",
            (utc_text(now), app_id),
        )
        return cur.rowcount == 1

    # -- payment requests -------------------------------------------------------------------

    def insert_request(self, row: RequestRow) -> None:
        marks = ", ".join("?" for _ in RequestRow.__slots__)
        self._db.execute_sql(
            f"INSERT INTO payment_request ({_REQ_COLS}) VALUES ({marks})",
            tuple(getattr(row, name) for name in RequestRow.__slots__),
        )

    def request(self, request_id: str) -> RequestRow | None:
        row = self._db.execute_sql(
            f"SELECT {_REQ_COLS} FROM payment_request WHERE id = ?", (request_id,)
        ).fetchone()
        return RequestRow(*row) if row else None

    def request_by_idempotency_key(self, app_id: str, key: str) -> RequestRow | None:
        row = self._db.execute_sql(
            f"SELECT {_REQ_COLS} FROM payment_request WHERE app_id = ? AND idempotency_key = ?",
            (app_id, key),
        ).fetchone()
        return RequestRow(*row) if row else None

    def requests_with_status(self, *statuses: str) -> list[RequestRow]:
        marks = ", ".join("?" for _ in statuses)
        rows = self._db.execute_sql(
            f"SELECT {_REQ_COLS} FROM payment_request WHERE status IN ({marks}) "
            "ORDER BY created_at, id",
            statuses,
        )
        return [RequestRow(*r) for r in rows.fetchall()]

    def count_with_status(self, app_id: str, status: str) -> int:
        return self._db.execute_sql(
            "SELECT COUNT(*) FROM payment_request WHERE app_id = ? AND status = ?",
            (app_id, status),
        ).fetchone()[0]

    def pending_created_before(self, cutoff: str) -> list[RequestRow]:
        """Pending requests created before ``cutoff`` (UTC text), oldest first."""
        rows = self._db.execute_sql(
            f"SELECT {_REQ_COLS} FROM payment_request WHERE status = 'pending' "
            "AND created_at < ? ORDER BY created_at, id",
            (cutoff,),
        )
        return [RequestRow(*r) for r in rows.fetchall()]

    def set_status(
        self, request_id: str, status: str, *, expect: tuple[str, ...], now: datetime, **fields
    ) -> bool:
        """Move a request on only from one of the ``expect`` statuses; False when it was not."""
        allowed = ("tender", "card_brand", "last4", "auth_code", "receipt_number", "sale_id")
        sets = ["status = ?", "updated_at = ?"]
        values: list = [status, utc_text(now)]
        for name, value in fields.items():
            if name not in (*allowed, "message"):
                raise ValueError(f"unknown payment_request column {name}")
            sets.append(f"{name} = ?")
            values.append(value)
        marks = ", ".join("?" for _ in expect)
        cur = self._db.execute_sql(
            f"UPDATE payment_request SET {', '.join(sets)} WHERE id = ? AND status IN ({marks})",
            (*values, request_id, *expect),
        )
        return cur.rowcount == 1

    # -- orders -----------------------------------------------------------------------------

    def order_by_idempotency_key(self, app_id: str, key: str) -> tuple[str, str, str] | None:
        """``(order id, body hash, parked id)`` of an order pushed earlier with this key."""
        return self._db.execute_sql(
            "SELECT id, body_hash, parked_id FROM api_order WHERE app_id = ? "
            "AND idempotency_key = ?",
            (app_id, key),
        ).fetchone()

    def insert_order(
        self, order_id, app_id, reference, key, body_hash, parked_id, now: datetime
    ) -> None:
        self._db.execute_sql(
            "INSERT INTO api_order (id, app_id, reference, idempotency_key, body_hash, "
            "parked_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (order_id, app_id, reference, key, body_hash, parked_id, utc_text(now)),
        )

    # -- callbacks --------------------------------------------------------------------------

    def insert_callback(
        self, delivery_id, request_id, app_id, url, body: str, due: float, now: datetime
    ) -> None:
        self._db.execute_sql(
            "INSERT INTO api_callback (delivery_id, request_id, app_id, url, body, "
            "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (delivery_id, request_id, app_id, url, body, due, utc_text(now)),
        )

    def due_callbacks(self, now: float, limit: int = 20) -> list[CallbackRow]:
        rows = self._db.execute_sql(
            f"SELECT {_CB_COLS} FROM api_callback c JOIN api_app a ON a.id = c.app_id "
            "WHERE c.status = 'pending' AND c.next_attempt_at <= ? "
            "ORDER BY c.next_attempt_at, c.id LIMIT ?",
            (now, limit),
        )
        box = SecretBox.for_database(self._db)
        out = []
        for r in rows.fetchall():
            row = CallbackRow(*r)
            if row.signing_key is not None:
                row = replace(row, signing_key=box.open(row.signing_key))
            out.append(row)
        return out

    def next_due_at(self) -> float | None:
        row = self._db.execute_sql(
            "SELECT MIN(next_attempt_at) FROM api_callback WHERE status = 'pending'"
        ).fetchone()
        return row[0] if row else None

    def callback_delivered(self, callback_id: int, attempts: int, now: datetime) -> None:
        self._db.execute_sql(
            "UPDATE api_callback SET status = 'delivered', attempts = ?, delivered_at = ?, "
            "last_error = NULL WHERE id = ?",
            (attempts, utc_text(now), callback_id),
        )

    def callback_failed(
        self, callback_id: int, attempts: int, error: str, next_at: float | None
    ) -> None:
        """Record a failed try; ``next_at`` None gives up (status ``failed``)."""
        status = "pending" if next_at is not None else "failed"
        self._db.execute_sql(
            "UPDATE api_callback SET status = ?, attempts = ?, last_error = ?, "
            "next_attempt_at = COALESCE(?, next_attempt_at) WHERE id = ?",
            (status, attempts, error[:500], next_at, callback_id),
        )

    def callbacks_for(self, request_id: str) -> list[tuple[str, int, str | None]]:
        """``(status, attempts, last_error)`` of each callback of a request, oldest first."""
        return self._db.execute_sql(
            "SELECT status, attempts, last_error FROM api_callback WHERE request_id = ? "
            "ORDER BY id",
            (request_id,),
        ).fetchall()
