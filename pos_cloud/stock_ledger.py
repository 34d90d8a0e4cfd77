"""The stock ledger: every movement of every product in every store is an appended row.

On hand per store and product (``stock_level``, fed to the tills as the ``stock`` stream) is
kept equal to the sum of that product's movements, in the same transaction as the movements.

Counts set the figure **as of the count's start**: a count that started at ``T`` and found
``C`` makes on hand ``C`` plus every other movement that happened at or after ``T``. Its own
row is the difference that takes the ledger there. The last count applied is remembered on
the level (its anchor), and a movement that happened *before* the anchor but arrives later
(a till that was offline) is already in the counted figure: it is written, and beside it a
``count`` row that takes it back out. An older count arriving after a newer one changes
nothing (a zero row records it). So the final figure does not depend on the order in which
the tills' events arrive:

    on hand = C(last count) + sum(movements at or after its start)   (or the sum of all)

Concurrency: every writer takes the store's change counter first (``feeds.next_change_seqs``,
an ``UPDATE`` of the store row: a row lock on PostgreSQL, the write lock on SQLite), then
reads the levels and writes rows. Writers of one store therefore apply one after the other
on fresh figures; no update is lost. Stores do not wait for each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .bulk import insert_rows, select_in
from .feeds import next_change_seqs
from .models import StockLevel, StockMovement, utcnow

COUNT = "count"
_MOVEMENT_COLUMNS = (
    "store",
    "sku",
    "quantity",
    "reason",
    "sale",
    "event",
    "created_at",
    "occurred_at",
    "ref",
    "detail",
)


@dataclass(frozen=True, slots=True)
class Move:
    """A change of on hand by ``delta`` (signed) that happened at ``occurred_at`` (naive UTC)."""

    sku: str
    delta: Decimal
    reason: str  # sale | refund | receipt | waste | transfer_out | transfer_in
    occurred_at: dt.datetime
    event_id: str
    ref: str | None = None
    detail: str | None = None
    sale_id: str | None = None


@dataclass(frozen=True, slots=True)
class Count:
    """``counted`` found on the shelf by a count that started at ``started_at`` (naive UTC)."""

    sku: str
    counted: Decimal
    started_at: dt.datetime
    event_id: str
    ref: str | None = None


@dataclass(slots=True)
class _Level:
    quantity: Decimal
    anchor: tuple[dt.datetime, str] | None  # (count start, count event) of the last count


def apply(store_id: str, entries: list[Move | Count]) -> None:
    """Append the entries' movements and bring the levels to the new sums (inside the caller's
    transaction; entries in the order their events happened at the till)."""
    skus = sorted({e.sku for e in entries})
    if not skus:
        return
    first_seq = next_change_seqs(store_id, len(skus))  # the store's lock, before any read
    levels = _load(store_id, skus)
    rows: list[tuple] = []
    now = utcnow()
    for entry in entries:
        level = levels[entry.sku]
        if isinstance(entry, Count):
            _count(store_id, entry, level, rows, now)
        else:
            _move(store_id, entry, level, rows, now)
    insert_rows(StockMovement, _MOVEMENT_COLUMNS, rows)
    insert_rows(
        StockLevel,
        ("store", "sku", "quantity", "change_seq", "deleted", "count_started_at", "count_event"),
        [
            (
                store_id,
                sku,
                str(levels[sku].quantity),
                first_seq + n,
                False,
                *(levels[sku].anchor or (None, None)),
            )
            for n, sku in enumerate(skus)
        ],
        upsert=(("store", "sku"), ("quantity", "change_seq", "count_started_at", "count_event")),
    )


def _load(store_id: str, skus: list[str]) -> dict[str, _Level]:
    found = select_in(
        StockLevel,
        ("sku", "quantity", "count_started_at", "count_event"),
        "sku",
        skus,
        extra=StockLevel.store == store_id,
    )
    levels = {sku: _Level(Decimal(0), None) for sku in skus}
    for sku, quantity, started, event in found:
        levels[sku] = _Level(Decimal(quantity), (started, event) if started else None)
    return levels


def _row(store_id, sku, delta, reason, event_id, now, occurred, ref, detail, sale_id=None):
    return (store_id, sku, str(delta), reason, sale_id, event_id, now, occurred, ref, detail)


def _move(store_id: str, move: Move, level: _Level, rows: list[tuple], now) -> None:
    rows.append(
        _row(store_id, move.sku, move.delta, move.reason, move.event_id, now,
             move.occurred_at, move.ref, move.detail, move.sale_id)
    )  # fmt: skip
    level.quantity += move.delta
    if level.anchor is not None and move.occurred_at < level.anchor[0]:
        # Happened before the last count started: the counted figure already holds it.
        rows.append(
            _row(store_id, move.sku, 0 - move.delta, COUNT, level.anchor[1], now,
                 move.occurred_at, None, "before count")
        )  # fmt: skip
        level.quantity -= move.delta


def _count(store_id: str, count: Count, level: _Level, rows: list[tuple], now) -> None:
    key = (count.started_at, count.event_id)
    if level.anchor is not None and key <= level.anchor:
        rows.append(
            _row(store_id, count.sku, Decimal(0), COUNT, count.event_id, now,
                 count.started_at, count.ref, "superseded")
        )  # fmt: skip
        return
    after = _moved_since(store_id, count.sku, count.started_at, rows)
    delta = count.counted + after - level.quantity
    rows.append(
        _row(store_id, count.sku, delta, COUNT, count.event_id, now, count.started_at,
             count.ref, f"counted {count.counted}"[:64])
    )  # fmt: skip
    level.quantity = count.counted + after
    level.anchor = key


def _moved_since(store_id: str, sku: str, since: dt.datetime, pending: list[tuple]) -> Decimal:
    """Sum of the non-count movements of ``sku`` that happened at or after ``since``: stored
    ones (committed, or earlier in this transaction) and the ones not yet written."""
    stored = (
        StockMovement.select(StockMovement.quantity)
        .where(
            (StockMovement.store == store_id)
            & (StockMovement.sku == sku)
            & (StockMovement.occurred_at >= since)
            & (StockMovement.reason != COUNT)
        )
        .tuples()
    )
    total = sum((Decimal(q) for (q,) in stored), Decimal(0))
    for row in pending:
        if row[1] == sku and row[3] != COUNT and row[7] >= since:
            total += Decimal(row[2])
    return total


def ledger_sum(store_id: str, sku: str) -> Decimal:
    """The sum of every movement of ``sku`` in the store (what on hand must equal)."""
    rows = StockMovement.select(StockMovement.quantity).where(
        (StockMovement.store == store_id) & (StockMovement.sku == sku)
    )
    return sum((Decimal(q) for (q,) in rows.tuples()), Decimal(0))


def levels(store_id: str) -> list[dict]:
    """On hand of every product of the store that has moved, by sku."""
    query = (
        StockLevel.select(StockLevel.sku, StockLevel.quantity, StockLevel.count_started_at)
        .where((StockLevel.store == store_id) & (StockLevel.deleted == False))  # noqa: E712
        .order_by(StockLevel.sku)
        .tuples()
    )
    return [{"sku": s, "quantity": q, "last_counted_at": c} for s, q, c in query]


def movements(store_id: str, sku: str, limit: int = 200) -> list[dict]:
    """The product's movements in the store, newest first."""
    query = (
        StockMovement.select(
            StockMovement.occurred_at,
            StockMovement.quantity,
            StockMovement.reason,
            StockMovement.detail,
            StockMovement.ref,
            StockMovement.event,
        )
        .where((StockMovement.store == store_id) & (StockMovement.sku == sku))
        .order_by(StockMovement.occurred_at.desc(), StockMovement.id.desc())
        .limit(limit)
        .tuples()
    )
    keys = ("occurred_at", "quantity", "reason", "detail", "ref", "event_id")
    return [dict(zip(keys, row, strict=True)) for row in query]
