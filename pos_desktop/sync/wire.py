"""Outbox rows to wire events (docs/CLOUD.md "Up: events"); the outbox seq is the wire seq."""

from __future__ import annotations

import json
from typing import Any

from peewee import SqliteDatabase

from pos_desktop.storage.outbox import OutboxEvent
from pos_desktop.storage.sync_repo import journal_hash_for

# Which payload field names the journal record written with the event, per event type family.
_OBJECT_KEYS = ("sale_id", "movement_id", "shift_id")


def object_id(payload: dict[str, Any]) -> str | None:
    for key in _OBJECT_KEYS:
        value = payload.get(key)
        if value:
            return str(value)
    return None


def to_wire(db: SqliteDatabase, event: OutboxEvent) -> dict[str, Any]:
    """The event as the cloud expects it; the payload is sent exactly as it was stored."""
    payload = json.loads(event.payload)
    return {
        "event_id": event.event_id,
        "seq": event.seq,
        "type": event.type,
        "occurred_at": event.created_at,
        "payload": payload,
        "journal_hash": journal_hash_for(db, event.type, object_id(payload)),
    }
