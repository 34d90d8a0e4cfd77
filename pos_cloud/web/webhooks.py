"""Webhook endpoints and signed deliveries with retries (the worker side).

A delivery is an HTTP POST of the event's JSON with these headers:

- ``X-POS-Event``: the event type; ``X-POS-Event-Id``: the event id (also in the body);
  receivers make processing exactly-once by remembering the ids they handled;
- ``X-POS-Timestamp``: Unix seconds when this attempt was signed;
- ``X-POS-Signature``: ``v1=`` + hex HMAC-SHA256 with the endpoint's secret over
  ``<timestamp>.<raw body>``. Receivers recompute it, compare in constant time and refuse
  timestamps older than a few minutes (replay protection).

A 2xx answer is success. Anything else (or no answer within 10 s) is retried with exponential
backoff: 10 s, 20 s, 40 s ... capped at 1 h, up to 12 attempts, after which the delivery is
``failed`` (it can be replayed from the web page). Every attempt is logged with its status and
the first 2,000 characters of the response.

Several server processes may run workers: a delivery is claimed by a conditional UPDATE of its
lease, so one attempt runs at a time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from urllib.parse import urlsplit

import httpx
import peewee as pw

from .. import change_notify
from ..db import database_proxy
from ..errors import BadInput
from ..models import utcnow
from .models import WebDeliveryAttempt, WebWebhook, WebWebhookDelivery, WebWebhookEvent
from .projector import WEBHOOK_EVENTS

MAX_ATTEMPTS = 12
FIRST_BACKOFF = dt.timedelta(seconds=10)
MAX_BACKOFF = dt.timedelta(hours=1)
LEASE = dt.timedelta(seconds=30)
TIMEOUT_S = 10.0
RESPONSE_KEEP = 2000
BATCH = 20


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-POS-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, tolerance_s: int = 300
) -> bool:
    """Receiver side (also for tests): a valid signature on a fresh timestamp."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(time.time() - ts) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, ts, body), signature or "")


def check_url(url: str) -> str:
    """An http(s) URL with a host; BadInput otherwise."""
    value = (url or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(value) > 2000:
        raise BadInput("Give the full URL of the receiver, starting with https:// (or http://).")
    return value


def create_webhook(organisation_id: str, url: str, events: list[str]) -> WebWebhook:
    """Register an endpoint; its secret is generated here (shown to the owner)."""
    chosen = [e for e in WEBHOOK_EVENTS if e in set(events)]
    if not chosen:
        raise BadInput("Choose at least one event: " + ", ".join(WEBHOOK_EVENTS) + ".")
    unknown = set(events) - set(WEBHOOK_EVENTS)
    if unknown:
        raise BadInput(f"Unknown event(s): {', '.join(sorted(unknown))}.")
    return WebWebhook.create(
        organisation_id=organisation_id,
        url=check_url(url),
        secret="whsec_" + secrets.token_urlsafe(24),
        events=",".join(chosen),
    )


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt ``attempts + 1``."""
    return min(FIRST_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def replay(delivery_id: int) -> None:
    """Send a delivery again now (whatever its state), keeping its log."""
    WebWebhookDelivery.update(
        status="pending", next_attempt_at=utcnow(), lease_until=None, attempts=0
    ).where(WebWebhookDelivery.id == delivery_id).execute()
    change_notify.backoffice_changed()  # the worker sends it as soon as this commits


def next_due_in(now: dt.datetime | None = None) -> float | None:
    """Seconds until the earliest pending delivery is due (0 if one is), None if none is."""
    due = (
        WebWebhookDelivery.select(pw.fn.MIN(WebWebhookDelivery.next_attempt_at))
        .where(WebWebhookDelivery.status == "pending")
        .scalar()
    )
    if due is None:
        return None
    if isinstance(due, str):  # SQLite's MIN() returns the stored text
        due = dt.datetime.fromisoformat(due)
    return max((due - (now or utcnow())).total_seconds(), 0.0)


def _claim() -> list[int]:
    now = utcnow()
    due = [
        d.id
        for d in WebWebhookDelivery.select(WebWebhookDelivery.id)
        .where(
            (WebWebhookDelivery.status == "pending")
            & (WebWebhookDelivery.next_attempt_at <= now)
            & (WebWebhookDelivery.lease_until.is_null() | (WebWebhookDelivery.lease_until < now))
        )
        .order_by(WebWebhookDelivery.next_attempt_at)
        .limit(BATCH)
    ]
    claimed = []
    for delivery_id in due:
        taken = (
            WebWebhookDelivery.update(lease_until=now + LEASE)
            .where(
                (WebWebhookDelivery.id == delivery_id)
                & (WebWebhookDelivery.status == "pending")
                & (
                    WebWebhookDelivery.lease_until.is_null()
                    | (WebWebhookDelivery.lease_until < now)
                )
            )
            .execute()
        )
        if taken:
            claimed.append(delivery_id)
    return claimed


def deliver_due(client: httpx.Client) -> int:
    """Attempt every due delivery once; return how many were attempted."""
    with database_proxy.connection_context():
        claimed = _claim()
    for delivery_id in claimed:
        _attempt(client, delivery_id)
    return len(claimed)


def _attempt(client: httpx.Client, delivery_id: int) -> None:
    with database_proxy.connection_context():
        delivery = WebWebhookDelivery.get_by_id(delivery_id)
        hook = WebWebhook.get_by_id(delivery.webhook_id)
        event = WebWebhookEvent.get_by_id(delivery.event_id)
    body = event.payload.encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "countertop-pos-webhooks/1",
        "X-POS-Event": event.type,
        "X-POS-Event-Id": event.event_id,
        "X-POS-Timestamp": str(timestamp),
        "X-POS-Signature": sign(hook.secret, timestamp, body),
    }
    started = time.perf_counter()
    status, text, error = None, None, None
    try:
        response = client.post(hook.url, content=body, headers=headers, timeout=TIMEOUT_S)
        status, text = response.status_code, response.text[:RESPONSE_KEEP]
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    took = int((time.perf_counter() - started) * 1000)
    attempts = delivery.attempts + 1
    ok = status is not None and 200 <= status < 300
    now = utcnow()
    if ok:
        changes = {"status": "delivered", "delivered_at": now}
    elif attempts >= MAX_ATTEMPTS:
        changes = {"status": "failed"}
    else:
        changes = {"next_attempt_at": now + backoff(attempts)}
    with database_proxy.connection_context(), database_proxy.atomic():
        WebDeliveryAttempt.create(
            delivery=delivery_id,
            at=now,
            status_code=status,
            response_body=text,
            error=error,
            duration_ms=took,
        )
        WebWebhookDelivery.update(
            attempts=attempts, last_status_code=status, lease_until=None, **changes
        ).where(WebWebhookDelivery.id == delivery_id).execute()
