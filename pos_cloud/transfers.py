"""Transfers between stores: sent at one store's till, received at the other's.

Both events are facts the tills may deliver in either order (the sending till may be offline):
whichever arrives first makes the ``stock_transfer`` row, the other completes it. Sent and not
yet received is *in transit*. The stock moves with each event at its own store
(``transfer_out`` / ``transfer_in``, see stock_ledger.py). Claims are conditional UPDATEs, so
two tills receiving the same transfer at once cannot both succeed.

A transfer on its way is in the receiving store's ``transfers`` feed (stamped with that store's
change counter); once received it becomes a tombstone there. The ingest locks every store a
batch touches in id order first (:func:`lock_stores`), so two stores sending to each other at
the same moment cannot deadlock.
"""

from __future__ import annotations

import json

from .bulk import insert_rows
from .feeds import next_change_seqs
from .models import StockTransfer, Store
from .stock_events import TransferReceivedIn, TransferSentIn

IN_TRANSIT, RECEIVED = "in_transit", "received"


def _lines(lines) -> str:
    return json.dumps([{"sku": ln.sku, "quantity": ln.quantity} for ln in lines])


def lock_stores(store_ids) -> None:
    """Take the change counters of ``store_ids`` in one order (before any other store lock)."""
    for store_id in sorted(set(store_ids)):
        next_change_seqs(store_id, 0)


def record_sent(store: Store, event_id: str, sent: TransferSentIn, at) -> str | None:
    """Record a transfer sent from ``store``; the reason it is refused, or None."""
    transfer_id, to_store = str(sent.transfer_id), sent.to_store_id
    target = Store.get_or_none(Store.id == to_store)
    if target is None or target.organisation_id != store.organisation_id:
        return f"transfer {transfer_id}: no store {to_store} in this organisation"
    if to_store == store.id:
        return f"transfer {transfer_id}: a store cannot send goods to itself"
    inserted = insert_rows(
        StockTransfer,
        ("id", "from_store_id", "to_store_id", "status", "lines", "sent_event", "sent_at",
         "from_store_name", "change_seq", "deleted"),
        [(transfer_id, store.id, to_store, IN_TRANSIT, _lines(sent.lines), event_id, at,
          store.name, next_change_seqs(to_store), False)],
        ignore_conflicts=True,
        returning=("id",),
    )  # fmt: skip
    if inserted:
        return None
    claimed = (  # received already: it stays off the receiving tills' list
        StockTransfer.update(
            from_store_id=store.id,
            lines=_lines(sent.lines),
            sent_event=event_id,
            sent_at=at,
            from_store_name=store.name,
        )  # fmt: skip
        .where(
            (StockTransfer.id == transfer_id)
            & (StockTransfer.sent_event == "")
            & (StockTransfer.to_store_id == to_store)
        )
        .execute()
    )
    return None if claimed else f"transfer {transfer_id} was already sent (or to another store)"


def record_received(store: Store, event_id: str, got: TransferReceivedIn, at) -> str | None:
    """Record a transfer received at ``store``; the reason it is refused, or None."""
    transfer_id = str(got.transfer_id)
    inserted = insert_rows(
        StockTransfer,
        ("id", "from_store_id", "to_store_id", "status", "lines", "received_lines",
         "sent_event", "received_event", "sent_at", "received_at", "change_seq", "deleted",
         "from_store_name"),
        [(transfer_id, "", store.id, RECEIVED, "[]", _lines(got.lines), "", event_id, at, at,
          next_change_seqs(store.id), True, "")],
        ignore_conflicts=True,
        returning=("id",),
    )  # fmt: skip
    if inserted:  # received before the sending till reported it: sent_at is completed then
        return None
    claimed = (
        StockTransfer.update(
            status=RECEIVED,
            received_lines=_lines(got.lines),
            received_event=event_id,
            received_at=at,
            deleted=True,  # off the receiving tills' list
            change_seq=next_change_seqs(store.id),
        )
        .where(
            (StockTransfer.id == transfer_id)
            & (StockTransfer.received_event.is_null())
            & (StockTransfer.to_store_id == store.id)
        )
        .execute()
    )
    if claimed:
        return None
    return f"transfer {transfer_id} was already received, or is addressed to another store"


def listing(store_id: str, status: str | None = None) -> list[dict]:
    """Transfers from or to the store, newest first (``status``: in_transit or received)."""
    query = StockTransfer.select().where(
        (StockTransfer.from_store_id == store_id) | (StockTransfer.to_store_id == store_id)
    )
    if status:
        query = query.where(StockTransfer.status == status)
    return [
        {
            "transfer_id": t.id,
            "from_store_id": t.from_store_id or None,
            "to_store_id": t.to_store_id,
            "direction": "out" if t.from_store_id == store_id else "in",
            "status": t.status,
            "lines": json.loads(t.lines),
            "received_lines": json.loads(t.received_lines) if t.received_lines else None,
            "sent_at": t.sent_at if t.sent_event else None,
            "received_at": t.received_at,
        }
        for t in query.order_by(StockTransfer.sent_at.desc()).limit(1000)
    ]
