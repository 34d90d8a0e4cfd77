"""Exactly-once ingestion of till events and derivation of sales and stock movements.

Each event gets its own transaction. The event row is inserted inside a savepoint and the
database's unique constraints (event_id, and (terminal, seq)) decide whether it is new: there
is no check-then-insert window for a concurrent push of the same event to slip through.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zoneinfo
from decimal import Decimal

import peewee as pw
from pydantic import ValidationError

from .db import database_proxy
from .feeds import next_change_seqs
from .models import (
    Event,
    Sale,
    SalePayment,
    SeqGap,
    StockLevel,
    StockMovement,
    Store,
    Terminal,
    utcnow,
)
from .schemas import EventIn, SaleCompletedIn

REUSED_BODY = "event id reused with a different body"


class Rejected(Exception):
    """The event cannot be stored; the message is the per-event reason."""


def canonical_hash(body: dict) -> str:
    """SHA-256 of the canonical JSON form (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def event_body(event: EventIn) -> dict:
    """The part of an event that its hash covers (everything the till sent)."""
    return event.model_dump(mode="json")


def ingest_batch(terminal: Terminal, events: list[EventIn]) -> dict:
    """Store a batch of events for ``terminal``; answer per event.

    Returns:
        ``{"results": [{"event_id", "status", "reason"}], "last_seq": int}``.
    """
    results = [_ingest_one(terminal, event) for event in events]
    last_seq = Terminal.select(Terminal.last_seq).where(Terminal.id == terminal.id).scalar()
    return {"results": results, "last_seq": int(last_seq or 0)}


def _ingest_one(terminal: Terminal, event: EventIn) -> dict:
    event_id = str(event.event_id)
    body = event_body(event)
    body_hash = canonical_hash(body)
    try:
        with database_proxy.atomic():
            status = _store(terminal, event, body, body_hash)
    except Rejected as exc:
        return {"event_id": event_id, "status": "rejected", "reason": str(exc)}
    return {"event_id": event_id, "status": status, "reason": None}


def _store(terminal: Terminal, event: EventIn, body: dict, body_hash: str) -> str:
    event_id = str(event.event_id)
    try:
        with database_proxy.atomic():  # savepoint: a conflict leaves the transaction usable
            Event.insert(
                event_id=event_id,
                terminal=terminal.id,
                store=terminal.store_id,
                seq=event.seq,
                type=event.type,
                body_hash=body_hash,
                body=json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
                journal_hash=event.journal_hash,
                occurred_at=_naive_utc(event.occurred_at),
                received_at=utcnow(),
            ).execute()
    except pw.IntegrityError:
        return _classify_conflict(terminal, event, body_hash)
    if event.type == "sale.completed":
        _derive_sale(terminal, event_id, event.payload)
    _track_seq(terminal.id, event.seq, event.journal_hash)
    return "stored"


def _classify_conflict(terminal: Terminal, event: EventIn, body_hash: str) -> str:
    existing = Event.get_or_none(Event.event_id == str(event.event_id))
    if existing is None:
        other = Event.get_or_none((Event.terminal == terminal.id) & (Event.seq == event.seq))
        other_id = other.event_id if other else "another event"
        raise Rejected(f"seq {event.seq} was already used by event {other_id} of this terminal")
    if existing.terminal_id != terminal.id:
        raise Rejected("event id already used by another terminal")
    if existing.body_hash != body_hash:
        raise Rejected(REUSED_BODY)
    return "duplicate"


def _track_seq(terminal_id: str, seq: int, journal_hash: str | None) -> None:
    """Advance last_seq and keep the list of missing seqs (gaps) exact."""
    # The UPDATE locks the terminal row first, so two pushers of one till serialise here.
    Terminal.update(last_seen_at=utcnow()).where(Terminal.id == terminal_id).execute()
    last = Terminal.select(Terminal.last_seq).where(Terminal.id == terminal_id).scalar()
    if seq > last:
        if seq > last + 1:
            SeqGap.create(terminal=terminal_id, first_seq=last + 1, last_seq=seq - 1)
        changes = {"last_seq": seq}
        if journal_hash is not None:
            changes["journal_head"] = journal_hash
        Terminal.update(**changes).where(Terminal.id == terminal_id).execute()
        return
    gap = SeqGap.get_or_none(
        (SeqGap.terminal == terminal_id) & (SeqGap.first_seq <= seq) & (SeqGap.last_seq >= seq)
    )
    if gap is None:
        return
    gap.delete_instance()
    if gap.first_seq < seq:
        SeqGap.create(terminal=terminal_id, first_seq=gap.first_seq, last_seq=seq - 1)
    if seq < gap.last_seq:
        SeqGap.create(terminal=terminal_id, first_seq=seq + 1, last_seq=gap.last_seq)


def _derive_sale(terminal: Terminal, event_id: str, payload: dict) -> None:
    try:
        sale = SaleCompletedIn.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Rejected(f"sale.completed payload invalid at '{where}': {first['msg']}") from None
    store = Store.get_by_id(terminal.store_id)
    if sale.currency.upper() != store.currency:
        raise Rejected(
            f"sale currency {sale.currency} differs from the store currency {store.currency}"
        )
    completed = _naive_utc(sale.completed_at)
    try:
        with database_proxy.atomic():
            row = Sale.create(
                sale_id=str(sale.sale_id),
                store=store.id,
                terminal=terminal.id,
                event=event_id,
                receipt_number=sale.receipt_number,
                currency=store.currency,
                subtotal_minor=sale.subtotal_minor,
                tax_minor=sale.tax_minor,
                total_minor=sale.total_minor,
                cashier=sale.cashier,
                completed_at=completed,
                business_day=business_day(completed, store.timezone),
            )
            for p in sale.payments:
                SalePayment.create(
                    payment_id=str(p.payment_id),
                    sale=row.sale_id,
                    tender=p.tender,
                    amount_minor=p.amount_minor,
                    change_minor=p.change_minor,
                )
    except pw.IntegrityError:
        raise Rejected(
            f"sale {sale.sale_id} or one of its payment ids was already recorded by another event"
        ) from None
    _move_stock(store.id, row.sale_id, event_id, sale)


def _move_stock(store_id: str, sale_id: str, event_id: str, sale: SaleCompletedIn) -> None:
    deltas: dict[str, Decimal] = {}
    for line in sale.lines:
        if line.sku:
            deltas[line.sku] = deltas.get(line.sku, Decimal(0)) - Decimal(line.quantity)
    if not deltas:
        return
    # Last in the transaction: the store counter lock is held only until the commit.
    seq = next_change_seqs(store_id, len(deltas))
    for offset, (sku, delta) in enumerate(sorted(deltas.items())):
        StockMovement.create(
            store=store_id,
            sku=sku,
            quantity=str(delta),
            reason="sale",
            sale=sale_id,
            event=event_id,
        )
        level = StockLevel.get_or_none((StockLevel.store == store_id) & (StockLevel.sku == sku))
        if level is None:
            StockLevel.create(store=store_id, sku=sku, quantity=str(delta), change_seq=seq + offset)
        else:
            quantity = Decimal(level.quantity) + delta
            StockLevel.update(quantity=str(quantity), change_seq=seq + offset).where(
                StockLevel.id == level.id
            ).execute()


def business_day(moment_utc: dt.datetime, timezone: str) -> dt.date:
    """The store-local calendar day of a naive UTC moment."""
    aware = moment_utc.replace(tzinfo=dt.UTC)
    return aware.astimezone(zoneinfo.ZoneInfo(timezone)).date()


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        # The protocol requires UTC; a naive time is taken as UTC rather than refused.
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)
