"""Receipts e-mailed by the cloud: a till hands one over, the worker sends HTML + PDF over SMTP
(aiosmtpd on 127.0.0.1), waits while the server is down and sends it once it is back."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import secrets
import time
import uuid

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader

from pos_cloud import receipt_mail
from pos_cloud.db import connection
from pos_cloud.models import ReceiptMail
from tests.cloud.conftest import sale_payload
from tests.journeys.test_email_receipt_journey import Inbox, free_port


@pytest.fixture
def smtp_env(monkeypatch, server):
    port = free_port()  # nothing listens yet: the server is down
    monkeypatch.setenv("POS_CLOUD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("POS_CLOUD_SMTP_PORT", str(port))
    monkeypatch.setenv("POS_CLOUD_SMTP_SENDER", "receipts@shop.example")
    monkeypatch.setenv("POS_CLOUD_SMTP_STARTTLS", "0")
    monkeypatch.setenv("POS_CLOUD_PUBLIC_URL", server)
    monkeypatch.setattr(receipt_mail, "FIRST_BACKOFF", dt.timedelta(seconds=0.3))
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    yield controller, inbox
    if getattr(controller, "server", None) is not None:
        controller.stop()


def _row(mail_id: str) -> ReceiptMail:
    with connection():
        return ReceiptMail.get(ReceiptMail.mail_id == mail_id)


def _wait(predicate, timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def _hand_over(till, sale: dict, token: str | None, mail_id: str | None = None):
    body = {
        "mail_id": mail_id or str(uuid.uuid4()),
        "sale_id": sale["sale_id"],
        "recipient": "eva@example.org",
        "receipt_token": token,
    }
    return body["mail_id"], till.client.post("/v1/receipt-mails", json=body)


def test_the_receipt_goes_once_with_html_and_pdf_after_the_server_was_down(cloud, smtp_env):
    controller, inbox = smtp_env
    till = cloud.till()
    token = secrets.token_urlsafe(16)
    sale = {**sale_payload(), "terminal_id": "T01", "receipt_token": token}
    assert till.push([till.event("sale.completed", sale)]).status_code == 200
    mail_id, r = _hand_over(till, sale, token)
    assert r.status_code == 202 and r.json() == {"status": "queued"}
    again = _hand_over(till, sale, token, mail_id)[1]  # the answer was lost: sent again
    assert again.status_code == 202 and again.json() == {"status": "already_queued"}

    assert _wait(lambda: _row(mail_id).attempts >= 2), "tries while the server is down"
    row = _row(mail_id)
    assert row.status == "pending" and "ConnectionRefusedError" in row.last_error
    controller.start()  # the server is back
    assert _wait(lambda: _row(mail_id).status == "sent"), _row(mail_id).last_error
    assert _row(mail_id).receipt_token is None  # the working link is not kept
    time.sleep(0.5)
    assert len(inbox.messages) == 1  # one message per receipt
    sender, to, raw = inbox.messages[0]
    assert (sender, to) == ("receipts@shop.example", ["eva@example.org"])
    msg = email.message_from_string(raw, policy=email.policy.default)
    assert msg["Subject"] == "Shop: your receipt 1"
    assert mail_id in msg["Message-ID"]
    html = msg.get_body(("html",)).get_content()
    assert "Pen" in html and "EUR 3.00" in html and f"{cloud.base_url}/r/{token}" in html
    plain = msg.get_body(("plain",)).get_content()
    assert "Pen" in plain and "EUR 3.00" in plain
    [pdf] = [
        part for part in msg.iter_attachments() if part.get_content_type() == "application/pdf"
    ]
    assert pdf.get_filename() == "receipt-1.pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert "Pen" in text and "EUR 3.00" in text


def test_a_receipt_handed_over_before_its_sale_waits_for_the_sale(cloud, smtp_env):
    controller, inbox = smtp_env
    controller.start()
    till = cloud.till()
    sale = {**sale_payload(), "terminal_id": "T01"}
    mail_id, r = _hand_over(till, sale, None)
    assert r.status_code == 202
    assert _wait(lambda: _row(mail_id).attempts >= 1)
    assert _row(mail_id).status == "pending" and "not reached" in _row(mail_id).last_error
    assert till.push([till.event("sale.completed", sale)]).status_code == 200
    assert _wait(lambda: _row(mail_id).status == "sent"), _row(mail_id).last_error
    assert len(inbox.messages) == 1
    assert "/r/" not in inbox.messages[0][2]  # no token: no link, the receipt is in the mail


def test_another_stores_sale_is_never_mailed(cloud, smtp_env):
    controller, inbox = smtp_env
    controller.start()
    mine, other = cloud.till(), cloud.till()
    sale = sale_payload()
    assert other.push([other.event("sale.completed", sale)]).status_code == 200
    mail_id, r = _hand_over(mine, sale, None)
    assert r.status_code == 202
    assert _wait(lambda: _row(mail_id).attempts >= 2)
    assert _row(mail_id).status == "pending" and inbox.messages == []


def test_without_smtp_the_cloud_says_so_and_the_till_sends_it_itself(cloud, monkeypatch):
    monkeypatch.delenv("POS_CLOUD_SMTP_HOST", raising=False)
    till = cloud.till()
    _, r = _hand_over(till, sale_payload(), None)
    assert r.status_code == 409 and "POS_CLOUD_SMTP_HOST" in r.json()["detail"]


def test_a_bad_address_is_refused(cloud, smtp_env):
    till = cloud.till()
    body = {"mail_id": "m1", "sale_id": str(uuid.uuid4()), "recipient": "not an address"}
    r = till.client.post("/v1/receipt-mails", json=body)
    assert r.status_code == 422 and "not an e-mail address" in r.json()["detail"]


def test_a_business_customer_is_mailed_an_invoice(cloud, smtp_env):
    controller, inbox = smtp_env
    controller.start()
    till = cloud.till()
    customer_id = str(uuid.uuid4())
    sale = {**sale_payload(), "terminal_id": "T01", "customer_id": customer_id}
    created = {"customer_id": customer_id, "name": "Acme GmbH"}
    events = [till.event("customer.created", created), till.event("sale.completed", sale)]
    assert till.push(events).status_code == 200
    details = {"address": "5 Dock Rd\nHamburg", "vat_id": "DE999888777"}
    path = f"/v1/admin/stores/{till.store_id}/customers/{customer_id}/invoice-details"
    assert cloud.admin.put(path, json=details).status_code == 200
    mail_id, r = _hand_over(till, sale, None)
    assert r.status_code == 202
    assert _wait(lambda: _row(mail_id).status == "sent"), _row(mail_id).last_error
    msg = email.message_from_string(inbox.messages[0][2], policy=email.policy.default)
    assert msg["Subject"] == "Shop: your invoice RT01-00000001"
    html = msg.get_body(("html",)).get_content()
    assert "Bill to" in html and "Acme GmbH" in html and "DE999888777" in html
    [pdf] = [
        part for part in msg.iter_attachments() if part.get_content_type() == "application/pdf"
    ]
    assert pdf.get_filename() == "invoice-RT01-00000001.pdf"
