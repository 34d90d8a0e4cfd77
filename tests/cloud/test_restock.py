"""Restock suggestions, the low-stock list and the ``stock.low`` webhook event against a real
server (SQLite and PostgreSQL), from sales pushed by a till over the last four weeks."""

from __future__ import annotations

import datetime as dt
import uuid

from pos_cloud.db import connection
from pos_cloud.models import Store
from pos_cloud.web.models import WebWebhookEvent
from pos_cloud.web.webhooks import create_webhook

from .conftest import sale_payload
from .test_stock_ledger import _push_ok

# The API/cron check on its own: the back-office worker (which checks after every stock change,
# test_backoffice_stock_alerts.py) would mark the products low first.
BACK_OFFICE_WORKER = False
WEEK = (2, 3, 3, 3, 5, 6, 2)  # units a day, Monday first


def _history(till, sku: str, days: int = 28) -> list[dict]:
    today = dt.datetime.now(dt.UTC).replace(hour=11, minute=0, second=0, microsecond=0)
    events = []
    for back in range(days, 0, -1):
        day = today - dt.timedelta(days=back)
        payload = sale_payload(sku=sku, quantity=str(WEEK[day.weekday()]))
        payload["completed_at"] = day.isoformat()
        event = till.event("sale.completed", payload)
        event["occurred_at"] = day.isoformat()
        events.append(event)
    return events


def _receive(till, sku, quantity):
    payload = {"receipt_id": str(uuid.uuid4()), "lines": [{"sku": sku, "quantity": quantity}]}
    return till.event("goods.received", payload)


def test_low_stock_is_listed_with_a_suggestion_and_alerted_once(cloud):
    till = cloud.till()
    sid = till.store_id
    for sku in ("FAST", "SLOW"):
        cloud.product(sid, sku)
    _push_ok(till, [_receive(till, "FAST", "100"), _receive(till, "SLOW", "500")])
    _push_ok(till, _history(till, "FAST"))  # 96 sold: 4 left, about 3.4 a day
    rows = cloud.admin.get(f"/v1/admin/stores/{sid}/restock", params={"lead_time_days": 3}).json()
    fast = next(r for r in rows if r["sku"] == "FAST")
    assert rows[0]["sku"] == "FAST" and fast["low"] and fast["on_hand"] == "4"
    today = dt.datetime.now(dt.UTC).date()
    coming = sum(WEEK[(today + dt.timedelta(days=i)).weekday()] for i in (0, 1, 2))  # today on
    assert abs(fast["daily_forecast"] - coming / 3) < 0.2  # the weekdays ahead, learnt
    assert coming <= fast["reorder_point"] <= coming + 3  # plus a little safety stock
    assert fast["suggested_quantity"] >= fast["reorder_point"]
    slow = next(r for r in rows if r["sku"] == "SLOW")
    assert not slow["low"] and slow["suggested_quantity"] == 0
    low = cloud.admin.get(f"/v1/admin/stores/{sid}/restock", params={"low_only": True}).json()
    assert [r["sku"] for r in low] == ["FAST"]

    # What is on order counts: ordered enough, nothing more to suggest.
    order = cloud.admin.post(f"/v1/admin/stores/{sid}/purchase-orders", json={
        "supplier": "Acme", "lines": [{"sku": "FAST", "quantity": "40"}]})  # fmt: skip
    assert order.status_code == 201, order.text
    after = cloud.admin.get(f"/v1/admin/stores/{sid}/restock").json()
    assert next(r for r in after if r["sku"] == "FAST")["on_order"] == "40"
    assert not next(r for r in after if r["sku"] == "FAST")["low"]
    cloud.admin.post(f"/v1/admin/stores/{sid}/purchase-orders/{order.json()['id']}/close")

    with connection():
        organisation = Store.get_by_id(sid).organisation_id
        create_webhook(organisation, "https://example.com/hook", ["stock.low"])
    first = cloud.admin.post(f"/v1/admin/stores/{sid}/restock/check").json()
    assert [r["sku"] for r in first] == ["FAST"]
    assert cloud.admin.post(f"/v1/admin/stores/{sid}/restock/check").json() == []  # once
    with connection():
        offered = [e for e in WebWebhookEvent.select().where(WebWebhookEvent.store_id == sid)
                   if e.type == "stock.low"]  # fmt: skip
    assert len(offered) == 1 and '"sku":"FAST"' in offered[0].payload
    # Back above its reorder point, then low again: a new alert.
    _push_ok(till, [_receive(till, "FAST", "50")])
    assert cloud.admin.post(f"/v1/admin/stores/{sid}/restock/check").json() == []
    sale = sale_payload(sku="FAST", quantity="50")
    _push_ok(till, [till.event("sale.completed", sale)])
    assert [r["sku"] for r in cloud.admin.post(f"/v1/admin/stores/{sid}/restock/check").json()] == [
        "FAST"
    ]
