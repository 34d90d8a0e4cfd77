"""Webhooks (signed, retried, logged, replayable), the projection's resume point, and exports."""

from __future__ import annotations

import csv
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pos_cloud.db import connection
from pos_cloud.web import webhooks
from pos_cloud.web.models import (
    WebDeliveryAttempt,
    WebSaleLine,
    WebWebhook,
    WebWebhookDelivery,
)
from tests.cloud.backoffice_helpers import (
    cash_movement_payload,
    page_csrf,
    refund_payload,
    set_up_and_sign_in,
    shift_closed_payload,
    wait_for,
)
from tests.cloud.conftest import sale_payload


class Receiver:
    """A webhook receiver on 127.0.0.1 that records requests and answers the queued statuses."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict, bytes]] = []
        self.statuses: list[int] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"thanks" if status == 200 else b"try later")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def owner(server):
    client, _ = set_up_and_sign_in(server)
    return client


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def _register(owner, url: str, events: list[str]) -> str:
    import re

    r = owner.post(
        "/app/webhooks", data={"url": url, "events": events, "csrf_token": page_csrf(owner)}
    )
    assert r.status_code == 200, r.text
    return re.search(r'data-testid="webhook-secret">([^<]+)<', r.text).group(1)


def test_webhook_delivery_is_signed_and_carries_the_event_id(owner, cloud, receiver):
    secret = _register(owner, receiver.url, ["sale.completed", "refund.created", "shift.closed"])
    till = cloud.till()
    sale = sale_payload()
    event = till.event("sale.completed", sale)
    refund = till.event("refund.completed", refund_payload(sale["sale_id"]))
    shift = till.event("shift.closed", shift_closed_payload())
    assert till.push([event, refund, shift]).status_code == 200
    wait_for(lambda: len(receiver.requests) >= 3)
    by_type = {h["x-pos-event"]: (h, b) for h, b in receiver.requests}
    assert set(by_type) == {"sale.completed", "refund.created", "shift.closed"}
    headers, body = by_type["sale.completed"]
    assert webhooks.verify(secret, headers["x-pos-timestamp"], body, headers["x-pos-signature"])
    assert not webhooks.verify(
        "whsec_other", headers["x-pos-timestamp"], body, headers["x-pos-signature"]
    )
    assert not webhooks.verify(
        secret, headers["x-pos-timestamp"], body + b" ", headers["x-pos-signature"]
    )
    data = json.loads(body)
    assert data["event_id"] == event["event_id"] == headers["x-pos-event-id"]
    assert data["data"]["sale_id"] == sale["sale_id"] and data["store_id"] == till.store_id
    # A retried push of the same events offers nothing twice.
    assert till.push([event]).json()["results"][0]["status"] == "duplicate"
    import time

    time.sleep(1.0)
    assert len(receiver.requests) == 3


def test_failed_delivery_is_retried_with_backoff_logged_and_replayable(
    owner, cloud, receiver, monkeypatch
):
    monkeypatch.setattr(webhooks, "FIRST_BACKOFF", webhooks.dt.timedelta(milliseconds=200))
    receiver.statuses = [500, 503]
    _register(owner, receiver.url, ["sale.completed"])
    till = cloud.till()
    assert till.push([till.event("sale.completed", sale_payload())]).status_code == 200
    wait_for(lambda: len(receiver.requests) >= 3, timeout=10)

    def delivered():
        with connection():
            d = (
                WebWebhookDelivery.select()
                .join(WebWebhook)
                .where(WebWebhook.url == receiver.url)
                .order_by(WebWebhookDelivery.id.desc())
                .first()
            )
            return d if d is not None and d.status == "delivered" else None

    delivery = wait_for(delivered)
    assert delivery.attempts == 3
    with connection():
        attempts = [
            (a.status_code, a.response_body)
            for a in WebDeliveryAttempt.select()
            .where(WebDeliveryAttempt.delivery == delivery.id)
            .order_by(WebDeliveryAttempt.id)
        ]
    assert attempts == [(500, "try later"), (503, "try later"), (200, "thanks")]
    page = owner.get(f"/app/webhooks/{delivery.webhook_id}")
    assert "delivered" in page.text and "try later" in page.text
    r = owner.post(
        f"/app/webhooks/{delivery.webhook_id}/deliveries/{delivery.id}/replay",
        data={"csrf_token": page_csrf(owner)},
    )
    assert r.status_code == 303
    wait_for(lambda: len(receiver.requests) >= 4)
    first, replayed = receiver.requests[0], receiver.requests[3]
    assert json.loads(first[1])["event_id"] == json.loads(replayed[1])["event_id"]


def test_backoff_doubles_up_to_an_hour():
    seconds = [webhooks.backoff(n).total_seconds() for n in (1, 2, 3, 12)]
    assert seconds == [10, 20, 40, 3600]


def test_product_changes_become_webhook_events(owner, cloud, receiver):
    store = cloud.store()
    cloud.product(store, "W1", 100)
    wait_for(lambda: _projected_products(store))
    _register(owner, receiver.url, ["product.changed"])
    r = owner.post(
        f"/app/stores/{store}/products/price",
        data={"sku": "W1", "price": "3.00", "csrf_token": page_csrf(owner)},
    )
    assert r.status_code == 303

    def price_events() -> list[dict]:
        # The product's creation may be announced too: a projector pass can fall between the
        # registration and the price change. Only the new price is what this test waits for.
        bodies = [
            json.loads(b) for h, b in receiver.requests if h["x-pos-event"] == "product.changed"
        ]
        return [b for b in bodies if b["data"]["price_minor"] == 300]

    wait_for(price_events)
    assert price_events()[0]["data"]["sku"] == "W1"


def _projected_products(store: str) -> bool:
    from pos_cloud.web.models import WebProjectionMark

    with connection():
        return (
            WebProjectionMark.get_or_none(WebProjectionMark.source_id == f"p:{store}") is not None
        )


def test_events_above_a_seq_gap_are_projected_and_the_gap_fills_later(cloud):
    till = cloud.till()
    early = [till.event("sale.completed", sale_payload(), seq=s) for s in (1, 2)]
    late = [till.event("sale.completed", sale_payload(), seq=s) for s in (3, 4)]
    assert till.push(early[:1] + late[1:]).status_code == 200  # seqs 1 and 4: gap 2-3

    def lines() -> int:
        with connection():
            return WebSaleLine.select().where(WebSaleLine.store_id == till.store_id).count()

    wait_for(lambda: lines() == 2)
    assert till.push(early[1:] + late[:1]).status_code == 200
    wait_for(lambda: lines() == 4)


def test_exports_journal_datev_and_lines(owner, cloud):
    till = cloud.till()
    cloud.admin.put(
        f"/v1/admin/stores/{till.store_id}/tax-rates/A", json={"name": "Standard", "rate_bp": 1900}
    )
    sale = sale_payload()
    sale["lines"][0]["name"] = '=HYPERLINK("http://evil")'
    events = [
        till.event("sale.completed", sale),
        till.event("refund.completed", refund_payload(sale["sale_id"], total=150, tax=24)),
        till.event("shift.closed", shift_closed_payload(variance=-50)),
        till.event("cash.movement", cash_movement_payload("paid_in", 1000)),
    ]
    events[3]["occurred_at"] = "2024-05-01T12:00:00Z"
    assert till.push(events).status_code == 200
    base = f"/app/stores/{till.store_id}/exports"
    q = {"date_from": "2024-05-01", "date_to": "2024-05-01"}

    def journal():
        text = owner.get(f"{base}/journal.csv", params=q).text
        return (
            text
            if "paid_in" in text and "refund_by_tax" in text and "cash_difference" in text
            else None
        )

    rows = list(csv.DictReader(io.StringIO(wait_for(journal))))
    kinds = {(r["kind"], r["key"]): r for r in rows}
    assert ("sales_by_tax", "A") in kinds, rows
    assert kinds[("sales_by_tax", "A")]["gross"] == "3.00"
    assert (
        kinds[("sales_by_tax", "A")]["tax"] == "0.48"
        and kinds[("sales_by_tax", "A")]["tax_rate_percent"] == "19.00"
    )
    assert kinds[("sales_by_tender", "cash")]["gross"] == "3.00"
    assert kinds[("refund_by_tax", "A")]["gross"] == "1.50"
    assert kinds[("refund_by_tender", "cash")]["gross"] == "1.50"
    assert kinds[("cash_difference", "cash")]["gross"] == "-0.50"
    assert kinds[("paid_in", "paid_in")]["gross"] == "10.00"

    datev = owner.get(f"{base}/datev.csv", params=q)
    assert (
        datev.status_code == 200 and "EXTF_Buchungsstapel" in datev.headers["content-disposition"]
    )
    text = datev.content.decode("cp1252").splitlines()
    assert text[0].startswith('"EXTF";700;21;"Buchungsstapel"')
    assert text[1].startswith('"Umsatz (ohne Soll/Haben-Kz)";"Soll/Haben-Kennzeichen"')
    bookings = [line.split(";") for line in text[2:]]
    assert ["3,00", '"S"', '"EUR"', "", "", '""', "1360", "8400"] == bookings[0][:8]
    assert any(b[0] == "0,50" and b[6] == "4900" and b[7] == "1000" for b in bookings)
    assert all(b[9] == "0105" for b in bookings)

    lines = owner.get(f"{base}/lines.csv", params=q).text
    row = next(csv.DictReader(io.StringIO(lines)))
    assert row["name"] == '\'=HYPERLINK("http://evil")' and row["quantity"] == "2"
    assert row["line_total"] == "3.00" and row["receipt_number"] == "1"
    page = owner.get(base, params=q)
    assert "refund_by_tax" in page.text and "paid_in" in page.text


def test_export_period_is_checked(owner, cloud):
    store = cloud.store()
    r = owner.get(
        f"/app/stores/{store}/exports/journal.csv",
        params={"date_from": "2024-05-02", "date_to": "2024-05-01"},
    )
    assert r.status_code == 422 and "swap the dates" in r.text
