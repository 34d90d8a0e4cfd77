"""E-mailing a receipt from the back office's receipt page (SQLite and PostgreSQL): the form,
its checks, the audit row, one message per form (a double click), and the message itself,
sent by the cloud's own queue and worker to aiosmtpd on 127.0.0.1 with the PDF attached."""

from __future__ import annotations

import email
import email.policy
import io
import json
import re
import uuid

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader

from pos_cloud import receipt_mail
from pos_cloud.db import connection
from pos_cloud.models import ReceiptMail
from pos_cloud.web.models import WebAudit
from tests.cloud.backoffice_helpers import csrf_of, set_up_and_sign_in, wait_for
from tests.cloud.conftest import sale_payload
from tests.journeys.test_email_receipt_journey import Inbox, free_port

_KEY = re.compile(r'name="send_key" value="([^"]+)"')
_ADDRESS = re.compile(r'name="address"[^>]*value="([^"]*)"')


@pytest.fixture(scope="module")
def owner(server):
    client, email_ = set_up_and_sign_in(server)
    client.owner_email = email_
    return client


@pytest.fixture
def smtp_down(monkeypatch):
    """SMTP set up, but nothing listens: a queued message stays pending."""
    monkeypatch.setenv("POS_CLOUD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("POS_CLOUD_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("POS_CLOUD_SMTP_STARTTLS", "0")


def _sale_with_customer(cloud, email_: str | None = "anna@example.org"):
    till = cloud.till()
    customer_id = str(uuid.uuid4())
    created = {"customer_id": customer_id, "name": "Anna", "email": email_}
    sale = {**sale_payload(), "customer_id": customer_id}
    events = [till.event("customer.created", created), till.event("sale.completed", sale)]
    assert till.push(events).status_code == 200
    return till, sale


def _page(owner, till, sale):
    page = owner.get(f"/app/stores/{till.store_id}/sales/{sale['sale_id']}")
    assert page.status_code == 200, page.text
    return page


def _send(owner, till, sale, page_text: str, address: str):
    return owner.post(
        f"/app/stores/{till.store_id}/sales/{sale['sale_id']}/email",
        data={
            "csrf_token": csrf_of(page_text),
            "send_key": _KEY.search(page_text).group(1),
            "address": address,
        },
    )


def _mails(sale) -> list[ReceiptMail]:
    with connection():
        return list(ReceiptMail.select().where(ReceiptMail.sale_id == sale["sale_id"]))


def test_the_sales_list_links_each_sale_to_its_e_mail_form(owner, cloud):
    till, sale = _sale_with_customer(cloud)
    listing = owner.get(
        f"/app/stores/{till.store_id}/sales",
        params={"date_from": "2024-05-01", "date_to": "2024-05-01"},
    )
    assert f"/app/stores/{till.store_id}/sales/{sale['sale_id']}#email" in listing.text


def test_the_form_is_prefilled_with_the_customers_address(owner, cloud, smtp_down):
    till, sale = _sale_with_customer(cloud)
    assert _ADDRESS.search(_page(owner, till, sale).text).group(1) == "anna@example.org"
    other_till, anonymous = _sale_with_customer(cloud, None)
    assert _ADDRESS.search(_page(owner, other_till, anonymous).text).group(1) == ""


def test_a_double_click_queues_one_message_and_asking_again_queues_another(owner, cloud, smtp_down):
    till, sale = _sale_with_customer(cloud)
    page = _page(owner, till, sale)
    first = _send(owner, till, sale, page.text, "anna@example.org")
    assert first.status_code == 200
    assert "Queued for anna@example.org; it goes out within a minute" in first.text
    double = _send(owner, till, sale, page.text, "anna@example.org")  # same form again
    assert double.status_code == 200 and "Already queued for anna@example.org" in double.text
    assert len(_mails(sale)) == 1
    again = _send(owner, till, sale, first.text, "anna@example.org")  # the customer asks again
    assert "Queued for anna@example.org" in again.text
    mails = _mails(sale)
    assert len(mails) == 2 and {m.store_id for m in mails} == {till.store_id}
    assert all(m.status == "pending" and m.recipient == "anna@example.org" for m in mails)
    with connection():
        rows = list(
            WebAudit.select().where(
                (WebAudit.action == "receipt.email") & (WebAudit.object_id == sale["sale_id"])
            )
        )
    assert len(rows) == 2  # the double click changed nothing, so it is not audited
    assert {r.user_email for r in rows} == {owner.owner_email}
    assert all(r.store_id == till.store_id for r in rows)
    assert [json.loads(r.after)["to"] for r in rows] == ["an…@example.org"] * 2
    assert all("anna@" not in r.after for r in rows)
    listed = _page(owner, till, sale).text.split('data-testid="receipt-mails"')[1]
    assert listed.count("anna@example.org") == 2 and "pending" in listed
    waiting = owner.get(f"/app/stores/{till.store_id}/sales/{sale['sale_id']}/mails")
    assert waiting.status_code == 200 and waiting.text.count("anna@example.org") == 2
    assert "hx-trigger" in waiting.text  # the page asks again until they went out


def test_a_bad_address_says_what_is_wrong_and_queues_nothing(owner, cloud, smtp_down):
    till, sale = _sale_with_customer(cloud)
    page = _page(owner, till, sale)
    for bad in ("anna@example", "anna example.org", "", "a@b.c\r\nBcc: x@y.z"):
        r = _send(owner, till, sale, page.text, bad)
        assert r.status_code == 422, bad
        assert "is not an e-mail address" in r.text or "Enter the address" in r.text
        assert _KEY.search(r.text), "the form is shown again"
    assert _mails(sale) == []


def test_without_smtp_the_page_says_how_to_set_it_up(owner, cloud, monkeypatch):
    monkeypatch.delenv("POS_CLOUD_SMTP_HOST", raising=False)
    till, sale = _sale_with_customer(cloud)
    page = _page(owner, till, sale)
    assert "E-mail is not set up on this server" in page.text
    r = _send(owner, till, sale, page.text, "anna@example.org")
    assert r.status_code == 409
    assert "E-mail is not set up on this server: set POS_CLOUD_SMTP_HOST" in r.text
    assert _mails(sale) == []


def test_a_forged_or_missing_form_key_is_refused(owner, cloud, smtp_down):
    till, sale = _sale_with_customer(cloud)
    page = _page(owner, till, sale)
    url = f"/app/stores/{till.store_id}/sales/{sale['sale_id']}/email"
    for key in ("", "short", "x" * 200):
        r = owner.post(
            url,
            data={"csrf_token": csrf_of(page.text), "send_key": key, "address": "a@example.org"},
        )
        assert r.status_code == 422 and "reload the page" in r.text
    assert _mails(sale) == []


def test_an_unknown_sale_is_not_found(owner, cloud, smtp_down):
    till, sale = _sale_with_customer(cloud)
    page = _page(owner, till, sale)
    r = owner.post(
        f"/app/stores/{till.store_id}/sales/{uuid.uuid4()}/email",
        data={
            "csrf_token": csrf_of(page.text),
            "send_key": _KEY.search(page.text).group(1),
            "address": "anna@example.org",
        },
    )
    assert r.status_code == 404


def test_the_message_arrives_with_the_receipt_and_its_pdf(owner, cloud, monkeypatch):
    port = free_port()
    monkeypatch.setenv("POS_CLOUD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("POS_CLOUD_SMTP_PORT", str(port))
    monkeypatch.setenv("POS_CLOUD_SMTP_SENDER", "receipts@shop.example")
    monkeypatch.setenv("POS_CLOUD_SMTP_STARTTLS", "0")
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        till, sale = _sale_with_customer(cloud)
        page = _page(owner, till, sale)
        assert "Queued for" in _send(owner, till, sale, page.text, "eva@example.org").text
        wait_for(lambda: inbox.messages, timeout=20)
    finally:
        controller.stop()
    [(sender, to, raw)] = inbox.messages
    assert (sender, to) == ("receipts@shop.example", ["eva@example.org"])
    msg = email.message_from_string(raw, policy=email.policy.default)
    assert msg["Subject"] == "Shop: your receipt 1"
    assert "Pen" in msg.get_body(("html",)).get_content()
    [pdf] = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert "Pen" in text and "EUR 3.00" in text
    wait_for(lambda: [m.status for m in _mails(sale)] == ["sent"])  # marked after the send
    done = owner.get(f"/app/stores/{till.store_id}/sales/{sale['sale_id']}/mails").text
    assert "sent" in done and "hx-trigger" not in done  # nothing waits: it stops asking


def test_queueing_a_mail_id_again_says_so_after_other_inserts(cloud, smtp_down):
    """SQLite reports the connection's last inserted row for an ignored insert: not "added"."""
    till, sale = _sale_with_customer(cloud)
    first, second = f"t.{uuid.uuid4()}", f"t.{uuid.uuid4()}"
    with connection():
        assert receipt_mail.queue(till.store_id, first, sale["sale_id"], "a@example.org", None)
        assert receipt_mail.queue(till.store_id, second, sale["sale_id"], "b@example.org", None)
        assert not receipt_mail.queue(till.store_id, first, sale["sale_id"], "a@example.org", None)
