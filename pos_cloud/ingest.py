"""Exactly-once ingestion of till events and derivation of sales and stock movements.

A batch is one transaction, written with a few multi-row statements:

1. lock the terminal row (two pushers of one till serialise here; other tills do not wait);
2. insert every new event with ``ON CONFLICT DO NOTHING ... RETURNING``: the database's unique
   constraints (``event_id``; ``(terminal, seq)``) decide which events are new. There is no
   check-then-insert window: on PostgreSQL an insert that clashes with a row another
   transaction has not committed yet waits for it, then skips it;
3. events that were not inserted are classified (duplicate, reused id, reused seq);
4. sales and payments of the new ``sale.completed`` events are inserted the same way; an event
   whose sale or payment id is already taken is rejected and its rows removed again;
5. seq tracking (last_seq, journal head, gaps) is folded for the whole batch (an event that
   would give the terminal more than ``seq_tracking.MAX_GAPS`` gaps is refused before step 2);
6. stock movements are inserted, and only then, if any line had a sku, the store's change
   counter is taken once for the whole batch to stamp the stock levels (the ``stock`` feed).
   The counter lock is therefore held for the last statement or two (on PostgreSQL one
   statement takes the counter and updates the levels) plus the commit, and a batch without
   stock changes never touches it.

Each event is validated on its own: one that is malformed (a field out of range, a bad
payload, text the database cannot hold) or refused is answered ``rejected`` with the reason
and kept in the quarantine (:mod:`pos_cloud.quarantine`); the events behind it go on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

import orjson
from pydantic import ValidationError

from . import (
    customers,
    ledger,
    ledger_events,
    purchase_orders,
    quarantine,
    receipts,
    seq_tracking,
    stock_events,
    stock_ledger,
    transfers,
)
from .bulk import delete_in, insert_rows, select_in
from .db import database_proxy, is_postgres
from .models import Event, Sale, SalePayment, Store, Terminal, utcnow
from .schemas import EventIn, SaleCompletedIn

# Also the answer when the id belongs to another terminal (of any store): saying so would
# confirm that an id exists elsewhere.
REUSED_BODY = "event id reused with a different body"
MAX_EVENT_TEXT = 1024 * 1024  # characters of canonical JSON per event (1,000 lines fit)
_EVENT_COLUMNS = (
    "event_id",
    "terminal",
    "store",
    "seq",
    "type",
    "body_hash",
    "body",
    "journal_hash",
    "occurred_at",
    "received_at",
)


def canonical_json(body: dict) -> str:
    """The canonical JSON text (sorted keys, no spaces, not ASCII-escaped).

    The text (and so every stored body hash) is exactly the stdlib's
    ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)``. orjson writes
    the same bytes for strings, integers up to 64 bits, booleans and null, but some floats
    differently (``1e-05`` vs ``0.00001``), so a body with a float, or one orjson refuses (a
    huge integer, a lone surrogate), goes through the stdlib.
    """
    if not _has_float(body):  # orjson: ~13x faster on a sale body, same text
        try:
            return orjson.dumps(body, option=orjson.OPT_SORT_KEYS).decode("utf-8")
        except TypeError:  # orjson.JSONEncodeError: let the stdlib answer (or raise)
            pass
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _has_float(value: object) -> bool:
    """True when a float (NaN and infinities included) occurs anywhere in ``value``."""
    todo = [value]
    while todo:
        current = todo.pop()
        if type(current) is dict:
            todo.extend(current.values())
        elif type(current) is list:
            todo.extend(current)
        elif type(current) is not str and isinstance(current, float):
            return True
        elif type(current) not in (str, int, bool, type(None)):
            return True  # anything unusual: the stdlib decides
    return False


def canonical_hash(body: dict) -> str:
    """SHA-256 of the canonical JSON form (sorted keys, no spaces, UTF-8)."""
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def event_body(event: EventIn) -> dict:
    """The part of an event that its hash covers (everything the till sent)."""
    return event.model_dump(mode="json")


@dataclass
class _Item:
    """One event of the batch on its way through the steps."""

    raw: object  # as sent (quarantined when rejected)
    event: EventIn | None  # None when it failed validation
    event_id: str
    body_text: str
    body_hash: str
    sale: SaleCompletedIn | None = None
    stock: object | None = None  # a validated stock event payload (stock_events.py)
    problem: str | None = None  # known before touching the database (bad payload)
    status: str | None = None
    reason: str | None = None
    payment_ids: list[str] = field(default_factory=list)
    ledger: ledger_events.LedgerEventIn | None = None  # a gift-card or points event
    customer: customers.CustomerCreatedIn | None = None  # a customer.created event

    def reject(self, reason: str) -> None:
        self.status, self.reason = "rejected", reason

    def result(self) -> dict:
        return {"event_id": self.event_id, "status": self.status, "reason": self.reason}


def ingest_batch(terminal: Terminal, events: list) -> dict:
    """Store a batch of events for ``terminal`` in one transaction; answer per event.

    Args:
        terminal: the authenticated terminal (its store loaded with it).
        events: the events as sent (JSON objects); each is validated here, on its own.

    Returns:
        ``{"results": [{"event_id", "status", "reason"}], "last_seq": int}``.
    """
    if not events:
        last = Terminal.select(Terminal.last_seq).where(Terminal.id == terminal.id).scalar()
        return {"results": [], "last_seq": int(last or 0)}
    store = terminal.store  # loaded with the terminal by authenticate_terminal (no query)
    items = [_prepare(event, store) for event in events]
    with database_proxy.atomic():
        last_seq = seq_tracking.lock_terminal(terminal.id)
        first = _first_tries(items)
        book = seq_tracking.load(terminal.id, last_seq, [i.event.seq for i in first])
        refused = seq_tracking.refused_seqs(book, [i.event.seq for i in first])
        for item in items:
            if item.status is None and item.event is not None and item.event.seq in refused:
                # Never a duplicate: a stored event's seq is in no gap and not above last_seq.
                item.reject(seq_tracking.too_many_gaps(item.event.seq))
        _insert_events(terminal, [i for i in first if i.status is None])
        _classify_conflicts(terminal, [i for i in items if i.status is None])
        sales = [i for i in items if i.status == "stored" and i.sale is not None]
        _insert_sales(terminal, store, sales)
        # Customers the tills made come first: one for someone the store knows is merged at
        # once, so the batch's sales and points under its id already go to the customer kept.
        made = [i.customer for i in items if i.status == "stored" and i.customer is not None]
        customers.record_created(store.id, made)
        chains = _customer_chains(store, [i for i in items if i.status == "stored"])
        ledgers = [i for i in items if i.status == "stored" and i.ledger]
        _apply_ledgers(terminal, store, ledgers, chains)
        _link_sales(store, [i for i in items if i.status == "stored"], chains)
        _record_transfers(store, [i for i in items if i.status == "stored"])
        stored = [i for i in items if i.status == "stored"]
        last_seq = seq_tracking.record(book, [(i.event.seq, i.event.journal_hash) for i in stored])
        _move_stock(store.id, stored)
        _receive_orders(store.id, stored)
        quarantine.keep(
            terminal, [(i.raw, i.event_id, i.reason) for i in items if i.status == "rejected"]
        )
    return {"results": [i.result() for i in items], "last_seq": last_seq}


def _prepare(raw: object, store: Store) -> _Item:
    """Validate one event, hash its body and validate a sale payload (before any database work).

    A problem found here rejects this event only (``item.problem``).
    """
    sent_id = raw.get("event_id") if isinstance(raw, dict) else None
    try:
        event = EventIn.model_validate(raw)
    except ValidationError as exc:
        item = _Item(raw, None, str(sent_id)[:64] if sent_id is not None else "", "", "")
        item.problem = "event invalid " + _first_error(exc)
        return item
    item = _Item(raw, event, str(event.event_id), "", "")
    try:
        item.body_text = canonical_json(event_body(event))
        encoded = item.body_text.encode("utf-8")
    except (UnicodeEncodeError, ValueError, RecursionError):
        item.problem = (
            "event text holds a lone surrogate (U+D800-U+DFFF) or an unencodable value; "
            "send valid Unicode"
        )
        return item
    item.body_hash = hashlib.sha256(encoded).hexdigest()
    if len(item.body_text) > MAX_EVENT_TEXT:
        item.problem = f"event is longer than {MAX_EVENT_TEXT} characters of JSON"
        return item
    if event.type == "sale.completed":
        _prepare_sale(item, event, store)
    elif event.type in stock_events.STOCK_TYPES:
        item.stock, item.problem = stock_events.parse(event.type, event.payload)
    elif event.type in ledger_events.TYPES:
        _prepare_ledger(item, event, store)
    elif event.type == "customer.created":
        try:
            item.customer = customers.CustomerCreatedIn.model_validate(event.payload)
        except ValidationError as exc:
            item.problem = "customer.created payload invalid " + _first_error(exc)
    if item.problem is None and is_postgres() and _has_nul(item):
        item.problem = (
            "event text holds the NUL character (U+0000), which the database cannot store; "
            "remove it and send the event again with a new id"
        )
    return item


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"at '{where}': {first['msg']}"


def _prepare_sale(item: _Item, event: EventIn, store: Store) -> None:
    try:
        item.sale = SaleCompletedIn.model_validate(event.payload)
    except ValidationError as exc:
        item.problem = "sale.completed payload invalid " + _first_error(exc)
        return
    if item.sale.currency.upper() != store.currency:
        item.problem = (
            f"sale currency {item.sale.currency} differs from the store currency {store.currency}"
        )
    item.payment_ids = [str(p.payment_id) for p in item.sale.payments]


def _prepare_ledger(item: _Item, event: EventIn, store: Store) -> None:
    try:
        item.ledger = ledger_events.LedgerEventIn.model_validate(event.payload)
    except ValidationError as exc:
        item.problem = f"{event.type} payload invalid " + _first_error(exc)
        return
    item.problem = ledger_events.problem(event.type, item.ledger, store.currency)


def _sale_customer(item: _Item) -> str | None:
    """The customer id a stored sale names, when it can be one."""
    if item.sale is None:
        return None
    customer_id = (item.sale.model_extra or {}).get("customer_id")
    if isinstance(customer_id, str) and 0 < len(customer_id) <= 36 and "\x00" not in customer_id:
        return customer_id
    return None


def _customer_chains(store: Store, stored: list[_Item]) -> dict[str, list[str]]:
    """Where the customers the batch's sales and points name went by merges (a till that still
    has a merged-away customer sends its id); no query when the batch names none."""
    ids = {c for i in stored if (c := _sale_customer(i)) is not None}
    ids |= {
        i.ledger.account
        for i in stored
        if i.ledger is not None and ledger_events.TYPES[i.event.type][0] == ledger.LOYALTY
    }
    if not ids:
        return {}
    return customers.merge_chains(store.organisation_id, sorted(ids))


def _apply_ledgers(
    terminal: Terminal, store: Store, items: list[_Item], chains: dict[str, list[str]]
) -> None:
    """Apply each new ledger event (in request order); one the ledger refuses is rejected
    and its event row taken back, so nothing of it stays. Points under a customer merged
    away go to the customer kept (``chains``)."""
    where = ledger.Where(store.organisation_id, store.id, terminal.id)
    for item in items:
        assert item.ledger is not None and item.event is not None
        chain = chains.get(item.ledger.account, ())
        reason = ledger_events.apply(where, item.event.type, item.ledger, chain)
        if reason is not None:
            delete_in(Event, "event_id", [item.event_id])
            item.reject(reason)


def _link_sales(store: Store, stored: list[_Item], chains: dict[str, list[str]]) -> None:
    """Which customer made each sale (the customer kept, for one merged away: ``chains``),
    and each sale's digital-receipt token."""
    links = [
        (str(i.sale.sale_id), customer_id)
        for i in stored
        if i.sale is not None and (customer_id := _sale_customer(i)) is not None
    ]
    customers.link_sales(store.id, links, chains)
    tokens = [
        (str(i.sale.sale_id), token)
        for i in stored
        if i.sale is not None
        and receipts.valid_token(token := (i.sale.model_extra or {}).get("receipt_token"))
    ]
    receipts.link_sales(store.id, tokens)


def _has_nul(item: _Item) -> bool:
    """True when a text that goes into a column of its own holds U+0000 (PostgreSQL refuses
    it; the body itself is JSON text, where it is escaped)."""
    texts = [item.event.type, item.event.journal_hash or ""]
    if item.sale is not None:
        texts += [item.sale.cashier or "", *(p.tender for p in item.sale.payments)]
        texts += [line.sku or "" for line in item.sale.lines]
    if item.stock is not None:
        texts += stock_events.texts(item.stock)
    for model in (item.ledger, item.customer):
        if model is not None:
            texts += [v for v in model.model_dump().values() if isinstance(v, str)]
    return any("\x00" in text for text in texts)


def _first_tries(items: list[_Item]) -> list[_Item]:
    """The events the insert tries: within the batch the first (in request order) with an
    id or a seq, as if the events came one at a time; later ones are classified against it."""
    first, ids, seqs = [], set(), set()
    for item in items:
        if item.problem is None and item.event_id not in ids and item.event.seq not in seqs:
            first.append(item)
            ids.add(item.event_id)
            seqs.add(item.event.seq)
    return first


def _insert_events(terminal: Terminal, first: list[_Item]) -> None:
    """Insert the new events; mark the ones the database took ``stored``."""
    now = utcnow()
    # One order for every pusher (by id), so two batches sharing events cannot deadlock.
    rows = [
        (
            i.event_id,
            terminal.id,
            terminal.store_id,
            i.event.seq,
            i.event.type,
            i.body_hash,
            i.body_text,
            i.event.journal_hash,
            _naive_utc(i.event.occurred_at),
            now,
        )
        for i in sorted(first, key=lambda i: i.event_id)
    ]
    returned = insert_rows(
        Event, _EVENT_COLUMNS, rows, ignore_conflicts=True, returning=("event_id",)
    )
    inserted = {r[0] for r in returned}
    for item in first:
        if item.event_id in inserted:
            item.status = "stored"


def _classify_conflicts(terminal: Terminal, items: list[_Item]) -> None:
    """Why each of ``items`` was not inserted: duplicate, reused id/seq, or its own problem."""
    for item in items:
        if item.event is None:  # failed validation: its id may not even be an id
            item.reject(item.problem)
    items = [i for i in items if i.event is not None]
    if not items:
        return
    by_id = {
        r[0]: (r[1], r[2])
        for r in select_in(
            Event, ("event_id", "terminal", "body_hash"), "event_id", [i.event_id for i in items]
        )
    }
    by_seq = dict(
        select_in(
            Event,
            ("seq", "event_id"),
            "seq",
            [i.event.seq for i in items],
            extra=Event.terminal == terminal.id,
        )
    )
    for item in items:
        existing = by_id.get(item.event_id)
        if existing is None:
            other = by_seq.get(item.event.seq)
            if other is not None:
                item.reject(
                    f"seq {item.event.seq} was already used by event {other} of this terminal"
                )
            elif item.problem is not None:
                item.reject(item.problem)
            else:  # its id or seq was first used in this batch by an event that was refused
                item.reject(
                    "event id or seq repeats an earlier event of this batch that was rejected"
                )
        elif existing[0] != terminal.id or existing[1] != item.body_hash:
            item.reject(REUSED_BODY)
        else:
            item.status = "duplicate"


def _insert_sales(terminal: Terminal, store: Store, items: list[_Item]) -> None:
    """Derive sale and payment rows; an event whose ids are taken is rejected and undone."""
    if not items:
        return
    # Request order decides between events of the batch that share a sale or payment id.
    claimed: set[str] = set()
    clashing, free = [], []
    for item in items:
        ids = [str(item.sale.sale_id), *(f"p:{p}" for p in item.payment_ids)]
        if len(set(ids)) != len(ids) or claimed.intersection(ids):
            clashing.append(item)
        else:
            claimed.update(ids)
            free.append(item)
    sale_rows = []
    for item in sorted(free, key=lambda i: str(i.sale.sale_id)):
        sale = item.sale
        completed = _naive_utc(sale.completed_at)
        sale_rows.append(
            (
                str(sale.sale_id),
                store.id,
                terminal.id,
                item.event_id,
                sale.receipt_number,
                store.currency,
                sale.subtotal_minor,
                sale.tax_minor,
                sale.total_minor,
                sale.cashier,
                completed,
                business_day(completed, store.timezone),
            )
        )
    columns = ("sale_id", "store", "terminal", "event", "receipt_number", "currency")
    columns += ("subtotal_minor", "tax_minor", "total_minor", "cashier", "completed_at")
    sales = set(
        insert_rows(
            Sale,
            (*columns, "business_day"),
            sale_rows,
            ignore_conflicts=True,
            returning=("sale_id", "event"),
        )
    )
    payment_rows = [
        (pid, str(i.sale.sale_id), p.tender, p.amount_minor, p.change_minor)
        for i in free
        if (str(i.sale.sale_id), i.event_id) in sales
        for pid, p in zip(i.payment_ids, i.sale.payments, strict=True)
    ]
    payments = set(
        insert_rows(
            SalePayment,
            ("payment_id", "sale", "tender", "amount_minor", "change_minor"),
            sorted(payment_rows),
            ignore_conflicts=True,
            returning=("payment_id", "sale"),
        )
    )
    _undo_taken(free, clashing, sales, payments)


def _undo_taken(
    free: list[_Item], clashing: list[_Item], sales: set[tuple], payments: set[tuple]
) -> None:
    """Reject (and delete the rows of) events whose sale or a payment id was already taken."""
    taken, undo_payments = list(clashing), []
    for item in free:
        sale_id = str(item.sale.sale_id)
        mine = [(pid, sale_id) for pid in item.payment_ids]
        has_sale = (sale_id, item.event_id) in sales
        if not has_sale or not all(m in payments for m in mine):
            taken.append(item)
            # Payment rows exist only under this event's own sale row (ids are unique among
            # the batch's free events), so these are exactly the rows it wrote.
            undo_payments += [pid for pid, s in mine if has_sale and (pid, s) in payments]
    if not taken:
        return
    delete_in(SalePayment, "payment_id", undo_payments)
    delete_in(Sale, "event", [i.event_id for i in taken])
    delete_in(Event, "event_id", [i.event_id for i in taken])
    for item in taken:
        item.reject(
            f"sale {item.sale.sale_id} or one of its payment ids was already recorded by "
            "another event"
        )


def _record_transfers(store: Store, items: list[_Item]) -> None:
    """Record transfers sent and received; a refused one is rejected and its event removed."""
    moving = [i for i in items if i.event.type in (stock_events.TRANSFER_SENT,
                                                   stock_events.TRANSFER_RECEIVED)]  # fmt: skip
    if not moving:
        return
    targets = [i.stock.to_store_id for i in moving if i.event.type == stock_events.TRANSFER_SENT]
    known = {s for (s,) in Store.select(Store.id).where(Store.id.in_(targets)).tuples()}
    transfers.lock_stores([store.id, *known])
    refused = []
    for item in items:
        at = _naive_utc(item.event.occurred_at)
        if item.event.type == stock_events.TRANSFER_SENT:
            reason = transfers.record_sent(store, item.event_id, item.stock, at)
        elif item.event.type == stock_events.TRANSFER_RECEIVED:
            reason = transfers.record_received(store, item.event_id, item.stock, at)
        else:
            continue
        if reason is not None:
            item.reject(reason)
            refused.append(item.event_id)
    delete_in(Event, "event_id", refused)


def _move_stock(store_id: str, items: list[_Item]) -> None:
    """Apply the stored events' stock movements to the ledger (stock_ledger.py)."""
    sale_bodies = _refunded_sale_bodies(
        [i.stock.sale_id for i in items if i.event.type == stock_events.REFUND and i.stock.sale_id]
    )
    entries: list[stock_ledger.Move | stock_ledger.Count] = []
    for item in items:
        if item.sale is not None:
            entries += stock_events.sale_entries(item.event_id, item.sale)
        elif item.stock is not None:
            body = sale_bodies.get(getattr(item.stock, "sale_id", None) or "")
            entries += stock_events.entries(
                item.event.type, item.event_id, item.stock, item.event.occurred_at, body
            )
    stock_ledger.apply(store_id, entries)


def _receive_orders(store_id: str, items: list[_Item]) -> None:
    """Goods received against a purchase order add to its lines (purchase_orders.py)."""
    for item in items:
        if item.event.type == stock_events.RECEIVED and item.stock.purchase_order_id:
            got: dict[str, Decimal] = {}
            for line in item.stock.lines:
                got[line.sku] = got.get(line.sku, Decimal(0)) + Decimal(line.quantity)
            purchase_orders.apply_receipt(store_id, item.stock.purchase_order_id, got)


def _refunded_sale_bodies(sale_ids: list[str]) -> dict[str, str]:
    """Original sale event bodies of refunds from tills that do not name the skus."""
    if not sale_ids:
        return {}
    events = dict(select_in(Sale, ("sale_id", "event"), "sale_id", sale_ids))
    bodies = dict(select_in(Event, ("event_id", "body"), "event_id", list(events.values())))
    return {sale: bodies.get(event, "") for sale, event in events.items()}


def business_day(moment_utc: dt.datetime, timezone: str) -> dt.date:
    """The store-local calendar day of a naive UTC moment."""
    aware = moment_utc.replace(tzinfo=dt.UTC)
    return aware.astimezone(zoneinfo.ZoneInfo(timezone)).date()


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        # The protocol requires UTC; a naive time is taken as UTC rather than refused.
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)
