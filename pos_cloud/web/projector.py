"""Projections of the tills' events for the reports, and the webhook outbox.

Sale ingestion writes sales and payments synchronously (the dashboard reads those directly,
so a sale shows within one poll). What the reports need beyond that lives only in the stored
event bodies: sale lines, refunds, closed shifts (Z reports) and cash movements. This module
reads new events per terminal along ``event (terminal_id, seq)`` and writes them as rows, and
queues the webhook events for them in the same transaction, so a projected event is offered
to the webhooks exactly once.

Where to resume: per terminal, ``upto_seq`` is the highest seq below which every event has been
projected, i.e. below the terminal's first open seq gap (a late event may still arrive there).
Events above a gap are projected too (inserts ignore rows that exist), and re-read until the
gap closes. Gaps and events are read in one snapshot, so a batch that closes a gap after the
gaps were read cannot be skipped: its events are then visible to the event read as well.

Product changes (any writer: web, admin API, CSV import) are read per store from the
products' ``change_seq`` and become ``product.changed`` webhook events.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from decimal import Decimal, InvalidOperation

import peewee as pw

from ..db import database_proxy, is_postgres
from ..ingest import business_day
from ..models import Event, Product, Sale, SeqGap, Store, Terminal
from .models import (
    WebCashMovement,
    WebProjectionMark,
    WebRefund,
    WebSaleLine,
    WebShift,
    WebWebhook,
    WebWebhookDelivery,
    WebWebhookEvent,
)

log = logging.getLogger(__name__)

PAGE = 500  # events per terminal per step
PROJECTED_TYPES = ("sale.completed", "refund.completed", "shift.closed", "cash.movement")
# The till's event type -> the webhook event type offered to receivers.
WEBHOOK_TYPE = {
    "sale.completed": "sale.completed",
    "refund.completed": "refund.created",
    "shift.closed": "shift.closed",
}
WEBHOOK_EVENTS = (
    "sale.completed",
    "refund.created",
    "shift.closed",
    "product.changed",
    "stock.low",  # offered by pos_cloud.restock.check_alerts
)
_PRODUCT_EVENT_NS = uuid.UUID("5b0a3f8e-6c1d-4d55-9a3e-2f7c1b0d9e41")


def parse_utc(text: str | None) -> dt.datetime | None:
    """A naive UTC datetime from ISO-8601 text (None when absent or unreadable)."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def quantity_micro(text: object) -> int:
    """A decimal quantity as an exact integer of millionths."""
    try:
        return int((Decimal(str(text)) * 1_000_000).to_integral_value())
    except (InvalidOperation, ValueError):
        return 0


def _int(value: object, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def run_once() -> int:
    """Project what is new for every terminal and store; return the events handled."""
    handled = 0
    with database_proxy.connection_context():
        for terminal_id, store_id, last_seq in _terminals_behind():
            handled += _project_terminal(terminal_id, store_id, last_seq)
        for store, seen in _stores_changed():
            handled += _product_changes(store, seen)
    return handled


def _terminals_behind() -> list[tuple[str, str, int]]:
    """Terminals with events above their mark (plus those waiting for a gap to close)."""
    mark = WebProjectionMark.alias()
    rows = (
        Terminal.select(
            Terminal.id, Terminal.store, Terminal.last_seq, mark.upto_seq, mark.scanned_seq
        )
        .join(mark, pw.JOIN.LEFT_OUTER, on=(mark.source_id == Terminal.id))
        .where(
            (Terminal.last_seq > pw.fn.COALESCE(mark.scanned_seq, 0))
            | (pw.fn.COALESCE(mark.upto_seq, 0) < pw.fn.COALESCE(mark.scanned_seq, 0))
        )
        .tuples()
    )
    return [(r[0], r[1], r[2]) for r in rows]


def _project_terminal(terminal_id: str, store_id: str, last_seq: int) -> int:
    mark = WebProjectionMark.get_or_none(WebProjectionMark.source_id == terminal_id)
    upto = mark.upto_seq if mark else 0
    scanned = mark.scanned_seq if mark else 0
    with snapshot():
        first_gap = (
            SeqGap.select(pw.fn.MIN(SeqGap.first_seq))
            .where(SeqGap.terminal == terminal_id)
            .scalar()
        )
        events = list(
            Event.select(Event.event_id, Event.seq, Event.type, Event.body, Event.occurred_at)
            .where((Event.terminal == terminal_id) & (Event.seq > upto))
            .order_by(Event.seq)
            .limit(PAGE)
            .tuples()
        )
    if not events and upto >= scanned and first_gap is None:
        return 0
    store = Store.get_by_id(store_id)
    new_scanned = max([scanned, *(e[1] for e in events)])
    if len(events) == PAGE:  # more to read: resume after this page unless a gap is below
        reach = events[-1][1]
    else:
        reach = new_scanned
    new_upto = reach if first_gap is None else min(reach, first_gap - 1)
    with database_proxy.atomic():
        for event_id, _seq, type_, body, occurred_at in events:
            if type_ in PROJECTED_TYPES:
                _project_event(store, terminal_id, event_id, type_, body, occurred_at)
        WebProjectionMark.insert(
            source_id=terminal_id, upto_seq=max(upto, new_upto), scanned_seq=new_scanned
        ).on_conflict(
            conflict_target=[WebProjectionMark.source_id],
            update={
                WebProjectionMark.upto_seq: pw.fn.GREATEST(
                    WebProjectionMark.upto_seq, max(upto, new_upto)
                )
                if is_postgres()
                else pw.fn.MAX(WebProjectionMark.upto_seq, max(upto, new_upto)),
                WebProjectionMark.scanned_seq: new_scanned,
            },
        ).execute()
    return len(events)


class snapshot:
    """A read-only transaction that sees one consistent state of the database.

    REPEATABLE READ on PostgreSQL (each statement of a plain READ COMMITTED read may see
    a different commit); on SQLite a DEFERRED read transaction in WAL mode is a snapshot.
    The projector reads gaps and events in one; exports read all their sums in one, so a
    projection committing meanwhile cannot show refunds without their sales.
    """

    def __enter__(self):
        # DEFERRED on SQLite: a read must not take the write lock (the database's default
        # for transactions is IMMEDIATE).
        self._tx = database_proxy.atomic() if is_postgres() else database_proxy.atomic("DEFERRED")
        self._tx.__enter__()
        if is_postgres():
            database_proxy.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return self

    def __exit__(self, *exc):
        return self._tx.__exit__(*exc)


def _project_event(
    store: Store, terminal_id: str, event_id: str, type_: str, body: str, occurred_at
) -> None:
    try:
        payload = json.loads(body).get("payload") or {}
    except ValueError:
        return
    if not isinstance(payload, dict):
        return
    if type_ == "sale.completed":
        if not _sale_lines(event_id, payload):
            return  # the sale was not derived (rejected): nothing to report or announce
    elif type_ == "refund.completed":
        _refund(store, terminal_id, event_id, payload, occurred_at)
    elif type_ == "shift.closed":
        _shift(store, terminal_id, event_id, payload, occurred_at)
    elif type_ == "cash.movement":
        _cash_movement(store, terminal_id, event_id, payload, occurred_at)
    hook_type = WEBHOOK_TYPE.get(type_)
    if hook_type:
        offer_event(
            event_id,
            store,
            hook_type,
            {"terminal_id": terminal_id, **payload},
            occurred_at,
        )


def _sale_lines(event_id: str, payload: dict) -> bool:
    sale = Sale.get_or_none(Sale.event == event_id)
    if sale is None:
        return False
    rows = []
    for number, line in enumerate(payload.get("lines") or []):
        if not isinstance(line, dict):
            continue
        rows.append(
            {
                "store_id": sale.store_id,
                "sale_id": sale.sale_id,
                "line_no": number,
                "terminal_id": sale.terminal_id,
                "business_day": sale.business_day,
                "completed_at": sale.completed_at,
                "receipt_number": sale.receipt_number,
                "sku": (line.get("sku") or None),
                "name": str(line.get("name") or "")[:200],
                "quantity_micro": quantity_micro(line.get("quantity")),
                "unit_price_minor": _int(line.get("unit_price_minor")),
                "line_total_minor": _int(line.get("line_total_minor")),
                "tax_minor": _int(line.get("tax_minor")),
                "tax_code": str(line.get("tax_code") or "")[:32],
            }
        )
    if rows:
        WebSaleLine.insert_many(rows).on_conflict_ignore().execute()
    return True


def _day(store: Store, moment: dt.datetime) -> dt.date:
    return business_day(moment, store.timezone)


def _refund(store, terminal_id, event_id, p, occurred_at) -> None:
    moment = parse_utc(p.get("completed_at")) or occurred_at
    tenders = [
        {"kind": str(t[1]), "amount_minor": _int(t[3])}
        for t in p.get("tenders") or []
        if isinstance(t, list) and len(t) >= 4
    ]
    WebRefund.insert(
        refund_id=str(p.get("refund_id") or event_id)[:64],
        event_id=event_id,
        store_id=store.id,
        terminal_id=terminal_id,
        business_day=_day(store, moment),
        completed_at=moment,
        receipt_number=_int(p.get("receipt_number"), None),
        original_receipt_number=_int(p.get("original_receipt_number"), None),
        sale_id=(str(p["sale_id"])[:64] if p.get("sale_id") else None),
        kind=str(p.get("kind") or "receipt")[:32],
        total_minor=_int(p.get("total_minor")),
        tax_minor=_int(p.get("tax_minor")),
        cashier=(str(p["cashier"])[:200] if p.get("cashier") else None),
        tenders=json.dumps(tenders),
    ).on_conflict_ignore().execute()


def _shift(store, terminal_id, event_id, p, occurred_at) -> None:
    moment = parse_utc(p.get("closed_at")) or occurred_at
    variances = [v for v in p.get("variances") or [] if isinstance(v, dict)]
    cash = [v for v in variances if v.get("tender") == "cash"]
    counted = p.get("counted_cash")
    counted_minor = None
    if cash:
        counted_minor = _int(cash[0].get("counted_minor"), None)
    elif isinstance(counted, dict):  # the till's count: {"<coin or note value>": pieces}
        pieces = [(k, v) for k, v in counted.items() if str(k).isdigit() and _int(v, -1) >= 0]
        counted_minor = sum(int(k) * v for k, v in pieces) if pieces else None
    voids = p.get("voids") if isinstance(p.get("voids"), dict) else {}
    WebShift.insert(
        shift_id=str(p.get("shift_id") or event_id)[:64],
        event_id=event_id,
        store_id=store.id,
        terminal_id=terminal_id,
        business_day=_day(store, moment),
        closed_at=moment,
        z_number=_int(p.get("z_number"), None),
        closed_by=(str(p["closed_by"])[:200] if p.get("closed_by") else None),
        gross_minor=_int(p.get("gross_sales_minor")),
        expected_cash_minor=_int(p.get("expected_cash_minor")),
        counted_cash_minor=counted_minor,
        variance_minor=sum(_int(v.get("difference_minor")) for v in variances),
        voids_count=_int(voids.get("count")),
        voids_minor=_int(voids.get("amount_minor")),
        body=json.dumps(p, sort_keys=True),
    ).on_conflict_ignore().execute()


def _cash_movement(store, terminal_id, event_id, p, occurred_at) -> None:
    WebCashMovement.insert(
        movement_id=str(p.get("movement_id") or event_id)[:64],
        event_id=event_id,
        store_id=store.id,
        terminal_id=terminal_id,
        business_day=_day(store, occurred_at),
        occurred_at=occurred_at,
        kind=str(p.get("kind") or "")[:32],
        amount_minor=_int(p.get("amount_minor")),
        reason=(str(p.get("reason_code") or p.get("note") or "")[:200] or None),
    ).on_conflict_ignore().execute()


def offer_event(event_id: str, store: Store, hook_type: str, data: dict, occurred_at) -> None:
    """Queue one webhook event and a delivery for every endpoint that subscribed to it.

    Runs inside the caller's transaction; an event id already queued is left alone, so a
    re-projected event is never delivered twice.
    """
    hooks = [
        h
        for h in WebWebhook.select().where(
            (WebWebhook.organisation_id == store.organisation_id) & (WebWebhook.active == True)  # noqa: E712
        )
        if hook_type in h.events.split(",")
    ]
    if not hooks:
        return
    when = occurred_at if isinstance(occurred_at, dt.datetime) else parse_utc(str(occurred_at))
    body = {
        "event_id": event_id,
        "type": hook_type,
        "occurred_at": (when or dt.datetime.now(dt.UTC))
        .replace(tzinfo=dt.UTC)
        .isoformat()
        .replace("+00:00", "Z"),
        "store_id": store.id,
        "data": data,
    }
    created = (
        WebWebhookEvent.insert(
            event_id=event_id,
            organisation_id=store.organisation_id,
            store_id=store.id,
            type=hook_type,
            payload=json.dumps(body, sort_keys=True, separators=(",", ":")),
        )
        .on_conflict_ignore()
        .execute()
    )
    if not created and WebWebhookEvent.get_or_none(WebWebhookEvent.event_id == event_id) is None:
        return
    WebWebhookDelivery.insert_many(
        [{"webhook": h.id, "event": event_id} for h in hooks]
    ).on_conflict_ignore().execute()


def _stores_changed() -> list[tuple[Store, int | None]]:
    """Stores whose change counter moved past their mark (one query, whatever the count)."""
    mark = WebProjectionMark.alias()
    rows = (
        Store.select(Store.id, Store.organisation, Store.change_seq, mark.upto_seq)
        .join(mark, pw.JOIN.LEFT_OUTER, on=(mark.source_id == pw.Value("p:").concat(Store.id)))
        .where(mark.upto_seq.is_null() | (mark.upto_seq < Store.change_seq))
        .objects()
    )
    return [(store, store.upto_seq) for store in rows]


def _product_changes(store: Store, seen: int | None) -> int:
    key = f"p:{store.id}"
    if seen is None:
        # First look at this store: announce only changes from now on.
        WebProjectionMark.insert(
            source_id=key, upto_seq=store.change_seq, scanned_seq=store.change_seq
        ).on_conflict_ignore().execute()
        return 0
    wanted = any(
        "product.changed" in h.events.split(",")
        for h in WebWebhook.select(WebWebhook.events).where(
            (WebWebhook.organisation_id == store.organisation_id) & (WebWebhook.active == True)  # noqa: E712
        )
    )
    products = []
    if wanted:
        products = list(
            Product.select()
            .where((Product.store == store.id) & (Product.change_seq > seen))
            .order_by(Product.change_seq)
            .limit(PAGE)
        )
    top = products[-1].change_seq if len(products) == PAGE else store.change_seq
    with database_proxy.atomic():
        for p in products:
            event_id = str(uuid.uuid5(_PRODUCT_EVENT_NS, f"{p.id}:{p.change_seq}"))
            data = {
                "id": p.id,
                "sku": p.sku,
                "name": p.name,
                "price_minor": p.price_minor,
                "tax_code": p.tax_code,
                "active": p.active,
                "deleted": p.deleted,
                "change_seq": p.change_seq,
            }
            offer_event(
                event_id,
                store,
                "product.changed",
                data,
                dt.datetime.now(dt.UTC).replace(tzinfo=None),
            )
        WebProjectionMark.update(upto_seq=top, scanned_seq=top).where(
            (WebProjectionMark.source_id == key) & (WebProjectionMark.upto_seq < top)
        ).execute()
    return len(products)
