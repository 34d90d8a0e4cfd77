"""Restock suggestions and low-stock alerts for a store, from its stock ledger.

For every product that sold in the last ``HISTORY_DAYS`` days or has a stock level: the daily
sales history (the ledger's ``sale`` movements less ``refund`` ones, per UTC day), a forecast
with weekly seasonality and its reorder point (forecast.py), on hand, what is on order (open
purchase orders' outstanding lines) and, when stock plus on order is at or below the reorder
point, how much to order (up to the forecast over lead time and a week, plus safety stock).
The lead time is the one of the supplier the product was last ordered from (suppliers.py),
else the default given.

:func:`check_alerts` records when a product became low (``stock_level.low_since``) and offers
the webhook event ``stock.low`` once per time it falls low (again only after it was back above
its reorder point); the change is stamped, so the tills' ``stock`` feed carries ``low``. The
back-office worker runs it after stock changes (web/stock_alerts.py); cron may run it too
(``pos-cloud restock --store S --alert``), or the API
(``POST /v1/admin/stores/{store}/restock/check``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from decimal import Decimal

import peewee as pw

from . import forecast, suppliers
from .db import database_proxy
from .feeds import next_change_seqs
from .models import Product, PurchaseOrder, StockLevel, StockMovement, Store, utcnow

HISTORY_DAYS = 56
DEFAULT_LEAD_TIME_DAYS = 3
_ALERT_NS = uuid.UUID("0c7e9a53-51a4-4f0b-8d2e-6f3c1b2a9d17")


def daily_sales(store_id: str, today: dt.date, days: int = HISTORY_DAYS) -> dict[str, list[float]]:
    """Units sold per sku per day (oldest first, ``days`` days up to yesterday).

    Summed per sku and day by the database: a store's eight weeks are one row per sale line,
    and the stock check runs after every change (web/stock_alerts.py)."""
    start = today - dt.timedelta(days=days)
    # As the database gives it (a date on PostgreSQL, text on SQLite), not read as a datetime.
    day = pw.fn.date(StockMovement.occurred_at).coerce(False)
    rows = (
        StockMovement.select(
            StockMovement.sku, day, pw.fn.SUM(pw.Cast(StockMovement.quantity, "NUMERIC"))
        )
        .where(
            (StockMovement.store == store_id)
            & (StockMovement.reason.in_(("sale", "refund")))
            & (StockMovement.occurred_at >= dt.datetime.combine(start, dt.time()))
            & (StockMovement.occurred_at < dt.datetime.combine(today, dt.time()))
        )
        .group_by(StockMovement.sku, day)
        .tuples()
    )
    out: dict[str, list[float]] = {}
    for sku, on, quantity in rows:
        if isinstance(on, dt.datetime):
            on = on.date()
        elif not isinstance(on, dt.date):
            on = dt.date.fromisoformat(str(on)[:10])
        series = out.setdefault(sku, [0.0] * days)
        series[(on - start).days] -= float(quantity)
    return out


def on_order(store_id: str) -> dict[str, Decimal]:
    """Outstanding quantities of the store's open purchase orders, by sku."""
    out: dict[str, Decimal] = {}
    for (lines,) in (
        PurchaseOrder.select(PurchaseOrder.lines)
        .where((PurchaseOrder.store_id == store_id) & (PurchaseOrder.status == "open"))
        .tuples()
    ):
        for line in json.loads(lines):
            left = Decimal(line["ordered"]) - Decimal(line["received"])
            if left > 0:
                out[line["sku"]] = out.get(line["sku"], Decimal(0)) + left
    return out


def suggestions(
    store_id: str, lead_time_days: int = DEFAULT_LEAD_TIME_DAYS, today: dt.date | None = None
) -> list[dict]:
    """Per product: on hand, on order, forecast per day, reorder point, suggested order; the
    low ones first (by how far below), then by sku."""
    today = today or utcnow().date()
    history = daily_sales(store_id, today)
    levels = {
        sku: (Decimal(q), low)
        for sku, q, low in StockLevel.select(
            StockLevel.sku, StockLevel.quantity, StockLevel.low_since
        )
        .where(StockLevel.store == store_id)
        .tuples()
    }
    ordered = on_order(store_id)
    supplier_days = suppliers.lead_times(store_id)
    names = dict(
        Product.select(Product.sku, Product.name).where(Product.store == store_id).tuples()
    )
    out = []
    for sku in sorted(set(history) | set(levels)):
        series = history.get(sku, [])
        first = next((i for i, sold in enumerate(series) if sold), len(series))
        # From its first sale in the window: a product new to the shop has no zero weeks.
        lead = supplier_days.get(sku, lead_time_days)
        rule = forecast.policy(forecast.fit(series[first:]), lead)
        have, low_since = levels.get(sku, (Decimal(0), None))
        coming = ordered.get(sku, Decimal(0))
        position = float(have + coming)
        low = rule.reorder_point > 0 and position <= rule.reorder_point
        suggest = max(0, math.ceil(rule.order_up_to - position)) if low else 0
        out.append(
            {
                "sku": sku,
                "name": names.get(sku),
                "on_hand": str(have),
                "on_order": str(coming),
                "daily_forecast": round(rule.daily, 2),
                "reorder_point": math.ceil(rule.reorder_point),
                "suggested_quantity": suggest,
                "low": low,
                "low_since": low_since,
                "lead_time_days": lead,
            }
        )
    out.sort(key=lambda r: (not r["low"], float(r["on_hand"]) - r["reorder_point"], r["sku"]))
    return out


def check_alerts(
    store_id: str, lead_time_days: int = DEFAULT_LEAD_TIME_DAYS, today: dt.date | None = None
) -> list[dict]:
    """Mark products that fell low (and clear the ones back above); offer ``stock.low`` for
    each newly low one. Returns the newly low products."""
    from .web.projector import offer_event  # the webhook outbox lives with the back office

    now = utcnow()
    rows = suggestions(store_id, lead_time_days, today)
    fresh = [r for r in rows if r["low"] and r["low_since"] is None]
    recovered = [r["sku"] for r in rows if not r["low"] and r["low_since"] is not None]
    with database_proxy.atomic():
        store = Store.get_by_id(store_id)
        alerted = []
        for row in fresh:
            # Conditional: of two checks at once (worker, cron, API), one alerts.
            marked = (
                StockLevel.update(low_since=now, change_seq=next_change_seqs(store_id))
                .where(
                    (StockLevel.store == store_id)
                    & (StockLevel.sku == row["sku"])
                    & StockLevel.low_since.is_null()
                )
                .execute()
            )
            if not marked:
                continue
            alerted.append(row)
            event_id = str(uuid.uuid5(_ALERT_NS, f"{store_id}/{row['sku']}/{now.isoformat()}"))
            data = {k: row[k] for k in ("sku", "name", "on_hand", "on_order", "reorder_point",
                                        "suggested_quantity", "daily_forecast")}  # fmt: skip
            offer_event(event_id, store, "stock.low", data, now)
        for sku in recovered:  # each with a new stamp: the tills' ``stock`` feed clears it
            StockLevel.update(low_since=None, change_seq=next_change_seqs(store_id)).where(
                (StockLevel.store == store_id)
                & (StockLevel.sku == sku)
                & StockLevel.low_since.is_null(False)
            ).execute()
    return alerted
