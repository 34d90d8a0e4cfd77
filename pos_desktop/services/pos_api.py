"""The till's POS API use cases: registered apps, payment requests and their results.

Other apps (web shop, kitchen, booking) ask the till for a payment; the cashier accepts or
declines it; the result goes back to the app through the durable callback queue
(:mod:`pos_desktop.services.callbacks`). No HTTP and no Qt here: ``pos_desktop.local_api`` is the
inbound adapter and ``pos_desktop.ui.pos_api_bridge`` the till side.

Statuses: ``pending`` (waiting for the cashier; the app may cancel) -> ``accepted`` (the cashier
started the payment) -> ``approved`` | ``declined`` | ``cancelled`` | ``unknown``. ``unknown``
means the till stopped after accepting without a stored sale: the cashier may have taken cash,
so the app must check with the shop.

A payment request sells no goods: it is stored as a sale with one line "<app>: <reference>" at
the requested amount, taxed at 0 % under the tax code ``X`` (created when missing), so the
receipt, journal, outbox and reports treat it like any other sale.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from peewee import IntegrityError, SqliteDatabase

from pos_desktop.domain.catalog import CatalogItem
from pos_desktop.domain.errors import N_, DomainError
from pos_desktop.domain.ids import new_id
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.store import StoreSettings
from pos_desktop.domain.tax import TaxRate
from pos_desktop.storage import journal
from pos_desktop.storage.card_payment_repo import CardPaymentRepository
from pos_desktop.storage.catalog_repo import add_tax_rate_if_missing
from pos_desktop.storage.codec import canonical_json, sha256_hex, utc_text
from pos_desktop.storage.pos_api_repo import AppRow, PosApiRepository, RequestRow
from pos_desktop.storage.sales_repo import SalesRepository

from .ports import Clock
from .pos_api_limits import RateLimiter
from .pos_api_rules import (
    ApiError,
    PosApiSettings,
    check_prefix,
    validate_payment_request,
)

FINAL_STATUSES = ("approved", "declined", "cancelled", "unknown", "expired")
REQUEST_PRODUCT_PREFIX = "payreq:"  # sale line product_id = prefix + request id
NO_TAX = TaxRate("X", "No tax (payment request)", Decimal(0))
KEY_PREFIX = "posk_"


@dataclass(frozen=True, slots=True)
class RegisteredApp:
    """A new app and its key: the key is shown once and cannot be read back in clear."""

    app_id: str
    name: str
    callback_url_prefix: str
    key: str


@dataclass(frozen=True, slots=True)
class CreatedRequest:
    request: RequestRow
    replayed: bool  # the same Idempotency-Key and body were seen before


@dataclass
class _Listeners:
    created: list[Callable[[str], None]] = field(default_factory=list)
    cancelled: list[Callable[[str], None]] = field(default_factory=list)
    queued: list[Callable[[], None]] = field(default_factory=list)


def hash_key(key: str) -> str:
    return sha256_hex(key)


def request_view(row: RequestRow) -> dict[str, Any]:
    """The API's JSON form of a payment request."""
    return {
        "id": row.id,
        "app_id": row.app_id,
        "status": row.status,
        "amount_minor": row.amount_minor,
        "currency": row.currency,
        "payment_types": json.loads(row.payment_types),
        "reference": row.reference,
        "description": row.description,
        "callback_url": row.callback_url,
        "tender": row.tender,
        "card_brand": row.card_brand,
        "last4": row.last4,
        "auth_code": row.auth_code,
        "receipt_number": row.receipt_number,
        "message": row.message,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


class PosApiService:
    """Apps, payment requests and results. Thread-safe by the db: every action is one
    transaction; the API thread and the GUI thread each use their own connection."""

    def __init__(
        self,
        db: SqliteDatabase,
        settings: StoreSettings,
        clock: Clock,
        api_settings: PosApiSettings | None = None,
        *,
        time_fn: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self.settings = settings
        self.api_settings = api_settings or PosApiSettings()
        self._clock = clock
        self._time = time_fn
        self.repo = PosApiRepository(db)
        self._cards = CardPaymentRepository(db)
        self._sales = SalesRepository(db)
        self._listeners = _Listeners()
        self._rate = RateLimiter(self.api_settings.rate_per_minute, time.monotonic)

    def transaction(self):
        """One write transaction, taken at once (BEGIN IMMEDIATE): checks inside it hold."""
        return self._db.atomic("IMMEDIATE")

    # -- listeners (the UI bridge, the callback worker) -------------------------------------

    def on_request_created(self, fn: Callable[[str], None]) -> None:
        """``fn(request_id)`` runs on the API's thread after a new request is committed."""
        self._listeners.created.append(fn)

    def on_request_cancelled(self, fn: Callable[[str], None]) -> None:
        self._listeners.cancelled.append(fn)

    def on_callback_queued(self, fn: Callable[[], None]) -> None:
        self._listeners.queued.append(fn)

    # -- apps -------------------------------------------------------------------------------

    def register_app(self, name: str, callback_url_prefix: str) -> RegisteredApp:
        """Register an app; the returned key is the only time it is seen in clear."""
        name = name.strip()
        if not name or len(name) > 80:
            raise DomainError(N_("Give the app a name of 1 to 80 characters, e.g. 'Web shop'."))
        prefix = check_prefix(callback_url_prefix)
        app_id = "app_" + secrets.token_hex(8)
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        with self._db.atomic("IMMEDIATE"):
            self.repo.insert_app(app_id, name, prefix, hash_key(key), key, self._clock.now())
        return RegisteredApp(app_id, name, prefix, key)

    def list_apps(self) -> list[AppRow]:
        return self.repo.apps()

    def revoke_app(self, app_id: str) -> bool:
        """Revoke an app: its key stops working at once. False when unknown or revoked."""
        with self._db.atomic("IMMEDIATE"):
            return self.repo.revoke_app(app_id, self._clock.now())

    def authenticate(self, authorization: str | None) -> AppRow:
        """The app behind an ``Authorization: Bearer KEY`` header.

        Raises:
            ApiError: 401 when the header is missing, malformed, or the key is unknown/revoked.
        """
        scheme, _, key = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise ApiError(
                401,
                "missing_key",
                "Send the app's API key as 'Authorization: Bearer KEY' "
                "(a manager creates it with 'pos-admin apps add').",
            )
        app = self.repo.app_by_key_hash(hash_key(key.strip()))
        if app is None:
            raise ApiError(
                401, "invalid_key", "The API key is wrong or was revoked; ask the shop manager."
            )
        return app

    # -- payment requests (API thread) ------------------------------------------------------

    def create_request(
        self, app: AppRow, body: dict[str, Any], idempotency_key: str | None = None
    ) -> CreatedRequest:
        """Validate and store a payment request; tell the till it is waiting.

        Raises:
            ApiError: 400/403/409/422 with a message naming the field and the fix.
        """
        clean = self._validate(app, body)
        key = self._check_idempotency_key(idempotency_key)
        body_hash = sha256_hex(canonical_json(clean))
        if key is not None:
            earlier = self._replay(app.id, key, body_hash)
            if earlier is not None:
                return earlier
        self.expire_stale()
        self._rate.check(app.id)
        self._check_pending_cap(app.id)
        now = self._clock.now()
        stamp = utc_text(now)
        row = RequestRow(
            id=new_id(),
            app_id=app.id,
            amount_minor=clean["amount_minor"],
            currency=clean["currency"],
            payment_types=json.dumps(clean["payment_types"]),
            callback_url=clean["callback_url"],
            reference=clean["reference"],
            description=clean["description"],
            api_version=clean["api_version"],
            idempotency_key=key,
            body_hash=body_hash,
            status="pending",
            tender=None,
            card_brand=None,
            last4=None,
            auth_code=None,
            receipt_number=None,
            sale_id=None,
            message=None,
            created_at=stamp,
            updated_at=stamp,
        )
        try:
            with self._db.atomic("IMMEDIATE"):
                self.repo.insert_request(row)
                journal.append(self._db, "api.payment_requested", row.id, clean, now)
        except (IntegrityError, sqlite3.IntegrityError):  # the same key raced in: replay it
            earlier = self._replay(app.id, key, body_hash) if key else None
            if earlier is None:
                raise
            return earlier
        for fn in self._listeners.created:
            fn(row.id)
        return CreatedRequest(self._request(row.id), replayed=False)

    def _request(self, request_id: str) -> RequestRow:
        """A request known to exist (this service just wrote or read it)."""
        row = self.repo.request(request_id)
        if row is None:
            raise LookupError(f"payment request {request_id} is not in the database")
        return row

    def _check_pending_cap(self, app_id: str) -> None:
        cap = self.api_settings.max_pending_per_app
        if self.repo.count_with_status(app_id, "pending") >= cap:
            raise ApiError(
                429,
                "too_many_pending",
                f"This app already has {cap} payment requests waiting for the cashier; wait "
                "for their results (or cancel some) before sending more.",
                max_pending=cap,
                retry_after_s=30,
            )

    def expire_stale(self) -> list[str]:
        """Expire pending requests nobody answered within ``pending_expiry_s``; the app gets
        an ``expired`` result. Returns the expired ids (the till closes their dialogs)."""
        cutoff = self._clock.now() - timedelta(seconds=self.api_settings.pending_expiry_s)
        expired = []
        for row in self.repo.pending_created_before(utc_text(cutoff)):
            minutes = self.api_settings.pending_expiry_s // 60
            if self._finish(
                row,
                "expired",
                expect=("pending",),
                message=f"nobody answered at the till within {minutes} minutes",
            ):
                expired.append(row.id)
        for request_id in expired:
            for fn in self._listeners.cancelled:
                fn(request_id)
        return expired

    def _replay(self, app_id: str, key: str, body_hash: str) -> CreatedRequest | None:
        earlier = self.repo.request_by_idempotency_key(app_id, key)
        if earlier is None:
            return None
        if earlier.body_hash != body_hash:
            raise ApiError(
                409,
                "idempotency_key_reused",
                f"Idempotency-Key '{key}' was already used for a different payment request "
                f"({earlier.id}); use a new key for a new request.",
                request_id=earlier.id,
            )
        return CreatedRequest(earlier, replayed=True)

    @staticmethod
    def _check_idempotency_key(key: str | None) -> str | None:
        if key is None:
            return None
        key = key.strip()
        if not key or len(key) > 200:
            raise ApiError(
                400, "invalid_idempotency_key", "Idempotency-Key must be 1 to 200 characters."
            )
        return key

    def get_request(self, app: AppRow, request_id: str) -> RequestRow:
        """An app sees only its own requests (others are "not found", not "forbidden")."""
        row = self.repo.request(request_id)
        if row is None or row.app_id != app.id:
            raise ApiError(404, "not_found", f"No payment request {request_id} for this app.")
        return row

    def cancel_request(self, app: AppRow, request_id: str) -> RequestRow:
        """Cancel while the cashier has not started the payment.

        Raises:
            ApiError: 404 unknown, 409 already started or finished.
        """
        row = self.get_request(app, request_id)
        if not self._finish(row, "cancelled", expect=("pending",), message="cancelled by the app"):
            row = self._request(request_id)
            raise ApiError(
                409,
                "not_cancellable",
                f"Payment request {request_id} is '{row.status}': only a pending request can "
                "be cancelled; once the cashier has started, wait for the result.",
                current_status=row.status,
            )
        for fn in self._listeners.cancelled:
            fn(request_id)
        return self._request(request_id)

    def _validate(self, app: AppRow, body: dict[str, Any]) -> dict[str, Any]:
        return validate_payment_request(app, body, self.settings.currency, self.api_settings)

    # -- the till side (GUI thread) ---------------------------------------------------------

    def waiting_requests(self) -> list[RequestRow]:
        """Requests the cashier has not answered yet, oldest first (stale ones expire)."""
        self.expire_stale()
        return self.repo.requests_with_status("pending")

    def request(self, request_id: str) -> RequestRow | None:
        return self.repo.request(request_id)

    def app_name(self, app_id: str) -> str:
        app = self.repo.app(app_id)
        return app.name if app else app_id

    def accept(self, request_id: str) -> RequestRow:
        """The cashier starts the payment; from now on the app can no longer cancel.

        Raises:
            DomainError: the request was cancelled (or answered) meanwhile.
        """
        now = self._clock.now()
        with self._db.atomic("IMMEDIATE"):
            moved = self.repo.set_status(request_id, "accepted", expect=("pending",), now=now)
            if moved:
                journal.append(self._db, "api.payment_accepted", request_id, {}, now)
        if not moved:
            row = self.repo.request(request_id)
            status = row.status if row else "unknown"
            raise DomainError(
                N_("This payment request is already {status}; nothing to take."), status=status
            )
        return self._request(request_id)

    def decline(self, request_id: str, message: str = "declined by the cashier") -> bool:
        """Decline a pending or accepted request (nothing was charged); queues the callback."""
        row = self.repo.request(request_id)
        return row is not None and self._finish(
            row, "declined", expect=("pending", "accepted"), message=message
        )

    def request_item(self, row: RequestRow) -> CatalogItem:
        """The one cart line a payment request sells: "<app>: <reference>" at 0 % tax X."""
        self._ensure_no_tax_rate()
        name = f"{self.app_name(row.app_id)}: {row.reference}"
        if row.description:
            name += f" ({row.description})"
        return CatalogItem(
            product_id=REQUEST_PRODUCT_PREFIX + row.id,
            sku="PAYMENT-REQUEST",
            name=name[:120],
            unit_price_minor=row.amount_minor,
            currency=row.currency,
            tax_rate=NO_TAX,
        )

    def _ensure_no_tax_rate(self) -> None:
        add_tax_rate_if_missing(self._db, NO_TAX)

    @staticmethod
    def request_id_of(sale: Sale) -> str | None:
        """The payment request a stored sale paid for, if any."""
        for line in sale.lines:
            if line.product_id.startswith(REQUEST_PRODUCT_PREFIX):
                return line.product_id[len(REQUEST_PRODUCT_PREFIX) :]
        return None

    def complete_from_sale(self, sale: Sale) -> RequestRow | None:
        """A sale was stored: if it paid a payment request, record ``approved`` and queue the
        result callback. Safe to call for every sale (and twice for the same one)."""
        request_id = self.request_id_of(sale)
        row = self.repo.request(request_id) if request_id else None
        if row is None or row.status in FINAL_STATUSES:
            return row
        payment = sale.payments[0] if sale.payments else None
        card = self._card_details(payment.payment_id) if payment else (None, None, None)
        self._finish(
            row,
            "approved",
            expect=("pending", "accepted"),
            tender=payment.tender if payment else None,
            card_brand=card[0],
            last4=card[1],
            auth_code=card[2],
            receipt_number=sale.receipt_number,
            sale_id=sale.sale_id,
            message="paid",
        )
        return self.repo.request(row.id)

    def _card_details(self, payment_id: str) -> tuple[str | None, str | None, str | None]:
        row = self._cards.get(payment_id)
        if row is None:
            return (None, None, None)
        return (row.card_brand, row.last4[-4:] if row.last4 else None, row.auth_code)

    def recover(self) -> list[RequestRow]:
        """After a restart: settle requests the till had accepted but not finished.

        A stored sale for the request -> ``approved``; a card payment still waiting for the
        cashier's answer -> left alone (its sale completes it); otherwise -> ``unknown`` (the
        cashier may have taken cash before the till stopped; the app checks with the shop).
        """
        settled = []
        for row in self.repo.requests_with_status("accepted"):
            sale = self._stored_sale_for(row.id)
            if sale is not None:
                settled.append(self._approve_from_stored(row, *sale))
            elif not self._card_payment_open_for(row.id):
                self._finish(
                    row,
                    "unknown",
                    expect=("accepted",),
                    message="the till stopped during the payment; check with the shop",
                )
                settled.append(self.repo.request(row.id))
        return settled

    def _stored_sale_for(self, request_id: str):
        return self._sales.first_sale_of_product(REQUEST_PRODUCT_PREFIX + request_id)

    def _approve_from_stored(self, row, sale_id, receipt_number, payment_id, tender):
        brand, last4, auth = self._card_details(payment_id)
        self._finish(
            row,
            "approved",
            expect=("accepted",),
            tender=tender,
            card_brand=brand,
            last4=last4,
            auth_code=auth,
            receipt_number=receipt_number,
            sale_id=sale_id,
            message="paid",
        )
        return self.repo.request(row.id)

    def _card_payment_open_for(self, request_id: str) -> bool:
        needle = f'"{REQUEST_PRODUCT_PREFIX}{request_id}"'
        return self._cards.open_payment_mentions(needle)

    def record_order(self, order_id, app_id, reference, key, body_hash, parked_id) -> None:
        """Remember an order pushed by an app (for its Idempotency-Key)."""
        now = self._clock.now()
        with self._db.atomic("IMMEDIATE"):
            self.repo.insert_order(order_id, app_id, reference, key, body_hash, parked_id, now)
            journal.append(self._db, "api.order_parked", order_id, {"parked_id": parked_id}, now)

    # -- results ----------------------------------------------------------------------------

    def _finish(
        self, row: RequestRow, status: str, *, expect: tuple[str, ...], **fields: Any
    ) -> bool:
        """Set a final status and queue the callback in the same transaction."""
        now = self._clock.now()
        with self._db.atomic("IMMEDIATE"):
            if not self.repo.set_status(row.id, status, expect=expect, now=now, **fields):
                return False
            final = self._request(row.id)
            body = canonical_json(callback_body(final))
            self.repo.insert_callback(
                new_id(), row.id, row.app_id, row.callback_url, body, self._time(), now
            )
            journal.append(self._db, f"api.payment_{status}", row.id, {"status": status}, now)
        for fn in self._listeners.queued:
            fn()
        return True


def callback_body(row: RequestRow) -> dict[str, Any]:
    """The result an app receives (and can also poll with GET)."""
    return {
        "type": "payment_request.result",
        "request_id": row.id,
        "app_id": row.app_id,
        "status": row.status,
        "amount_minor": row.amount_minor,
        "currency": row.currency,
        "tender": row.tender,
        "card_brand": row.card_brand,
        "last4": row.last4,
        "auth_code": row.auth_code,
        "receipt_number": row.receipt_number,
        "sale_id": row.sale_id,
        "reference": row.reference,
        "message": row.message,
        "at": row.updated_at,
    }
