"""The back-office worker's stock check: after a store's stock (or its open orders) changes,
mark the products that fell to or below their reorder point and offer ``stock.low`` once per
fall (restock.check_alerts; its conditional mark makes that hold across processes too).

Where to resume: per store, a projection mark ``s:<store>`` holds the store's change counter
up to which stock has been checked; stock levels and purchase orders are stamped from that
counter, so a higher stamp is a change to check. A store is checked at most every
:data:`MIN_INTERVAL_S` (the forecast reads weeks of sales): a busy store's alerts come at most
that late, and a quiet store's at once. The first look at a store only sets its mark (as the
projector does for products): the check starts with the store's next stock change, and
``pos-cloud restock --alert`` covers what was low before.
"""

from __future__ import annotations

import logging
import time

import peewee as pw

from .. import restock
from ..db import database_proxy
from ..models import PurchaseOrder, StockLevel, Store
from .models import WebProjectionMark

log = logging.getLogger(__name__)
MIN_INTERVAL_S = 5.0


class StockCheck:
    """One worker's stock checks (it remembers when it last checked each store)."""

    def __init__(self) -> None:
        self._checked_at: dict[str, float] = {}  # store id -> monotonic time of its last check

    def run_once(self) -> float | None:
        """Check the stores whose stock changed; return in how many seconds a store held back
        by the interval is due (None when none is)."""
        due_in: float | None = None
        with database_proxy.connection_context():
            for store_id, counter, seen in _stores_changed():
                if seen is None:  # first look (a new store, or this version's first start)
                    WebProjectionMark.insert(
                        source_id=f"s:{store_id}", upto_seq=counter, scanned_seq=counter
                    ).on_conflict_ignore().execute()
                    continue
                # Stamps up to ``counter`` are committed (a writer bumps the counter in its own
                # transaction), so the check below sees them all and may mark up to it.
                if _stock_top(store_id) <= seen:
                    _mark(store_id, counter)  # the store changed, but not its stock or orders
                    continue
                last = self._checked_at.get(store_id)
                wait = 0.0 if last is None else MIN_INTERVAL_S - (time.monotonic() - last)
                if wait > 0:
                    due_in = wait if due_in is None else min(due_in, wait)
                    continue
                self._checked_at[store_id] = time.monotonic()
                try:
                    restock.check_alerts(store_id)
                except Exception:  # one store's failure must not stop the others'
                    log.exception("stock check of store %s failed", store_id)
                    continue
                _mark(store_id, counter)
        return due_in


def _stores_changed() -> list[tuple[str, int, int | None]]:
    """(store, its change counter, checked up to) of the stores whose counter moved past
    their mark."""
    mark = WebProjectionMark.alias()
    rows = (
        Store.select(Store.id, Store.change_seq, mark.upto_seq)
        .join(mark, pw.JOIN.LEFT_OUTER, on=(mark.source_id == pw.Value("s:").concat(Store.id)))
        .where(mark.upto_seq.is_null() | (mark.upto_seq < Store.change_seq))
        .tuples()
    )
    return list(rows)


def _stock_top(store_id: str) -> int:
    """The highest change stamp of the store's stock levels and purchase orders."""
    stock = (
        StockLevel.select(pw.fn.MAX(StockLevel.change_seq))
        .where(StockLevel.store == store_id)
        .scalar()
    )
    orders = (
        PurchaseOrder.select(pw.fn.MAX(PurchaseOrder.change_seq))
        .where(PurchaseOrder.store_id == store_id)
        .scalar()
    )
    return max(stock or 0, orders or 0)


def _mark(store_id: str, top: int) -> None:
    key = f"s:{store_id}"
    updated = (
        WebProjectionMark.update(upto_seq=top, scanned_seq=top)
        .where((WebProjectionMark.source_id == key) & (WebProjectionMark.upto_seq < top))
        .execute()
    )
    if not updated:
        WebProjectionMark.insert(source_id=key, upto_seq=top, scanned_seq=top).on_conflict_ignore(
        ).execute()  # fmt: skip


def low_count(store_id: str) -> int:
    """Products of the store the last check found at or below their reorder point."""
    return (
        StockLevel.select()
        .where((StockLevel.store == store_id) & StockLevel.low_since.is_null(False))
        .count()
    )
