"""E-mailed receipts from an enrolled till: handed to the cloud (which sends HTML + PDF), the
till's own SMTP server only when the cloud cannot be reached; one message per receipt, also
when the cloud's answer to the hand-over was lost. Both SMTP servers: aiosmtpd on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import io
import time

import httpx
import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader
from sync_helpers import FaultProxy, cloud_fixture, creds, make_till, seed_catalog, sell, wait_until

from pos_cloud import receipt_mail
from pos_desktop.config import SmtpConfig
from pos_desktop.domain.ids import new_id
from pos_desktop.services.i18n import set_language
from pos_desktop.services.receipt_language import of_sale
from pos_desktop.storage.mail_repo import Mail, MailRepository
from pos_desktop.storage.settings_repo import load_settings, save_settings
from pos_desktop.sync.client import CloudClient
from pos_desktop.sync.mail import MailWorker
from pos_desktop.sync.pull import Puller
from pos_desktop.sync.push import Pusher
from tests.journeys.test_email_receipt_journey import Inbox, free_port

handover_cloud = cloud_fixture("sqlite")


@pytest.fixture
def inboxes(monkeypatch, handover_cloud):
    """(cloud inbox, till inbox), both servers up; the cloud sends through the first."""
    server, _ = handover_cloud
    cloud_port, till_port = free_port(), free_port()
    monkeypatch.setenv("POS_CLOUD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("POS_CLOUD_SMTP_PORT", str(cloud_port))
    monkeypatch.setenv("POS_CLOUD_SMTP_SENDER", "receipts@cloud.example")
    monkeypatch.setenv("POS_CLOUD_SMTP_STARTTLS", "0")
    monkeypatch.setenv("POS_CLOUD_PUBLIC_URL", server.url)
    monkeypatch.setattr(receipt_mail, "FIRST_BACKOFF", dt.timedelta(seconds=0.3))
    boxes = (Inbox(), Inbox())
    controllers = [
        Controller(box, hostname="127.0.0.1", port=port)
        for box, port in zip(boxes, (cloud_port, till_port), strict=True)
    ]
    for c in controllers:
        c.start()
    yield (
        *boxes,
        SmtpConfig(host="127.0.0.1", port=till_port, sender="shop@till.example", starttls=False),
    )
    for c in controllers:
        c.stop()


@pytest.fixture
def sold(handover_cloud, ram_path):
    """An enrolled till with one sale, pushed, and its receipt queued for eva@example.org."""
    server, cloud = handover_cloud
    store = cloud.store("EUR")
    gtins = seed_catalog(store, 1)
    till = make_till(ram_path / "till", server.url, cloud.code(store))
    c = creds(till)
    with CloudClient(c.cloud_url, c.token) as client:
        Puller(till.db, client).pull_all()
        till.catalog.forget_cached_rates()
        sale = sell(till, gtins[0])[0]
        Pusher(till.db, client).push_pending()
    mail = Mail(new_id(), sale.sale_id, "eva@example.org", "Your receipt", "the text", "asked")
    with till.db.atomic():
        MailRepository(till.db).queue(mail, dt.datetime.now(dt.UTC))
    yield till, mail
    till.close()


def _run_worker(till, smtp: SmtpConfig, done) -> None:
    worker = MailWorker(till.config.database_path, smtp, idle=0.2, backoff_cap=0.3)
    worker.start()
    try:
        assert wait_until(done, timeout=20), worker.last_error
    finally:
        assert worker.stop(timeout=10)


def _outbox(till, mail) -> tuple[str, str | None, int]:
    row = till.db.execute_sql(
        "SELECT status, sent_by, attempts FROM mail_outbox WHERE id = ?", (mail.mail_id,)
    ).fetchone()
    return tuple(row)


def test_an_online_till_hands_the_receipt_to_the_cloud(inboxes, sold):
    cloud_box, till_box, smtp = inboxes
    till, mail = sold
    _run_worker(till, smtp, lambda: len(cloud_box.messages) == 1)
    assert _outbox(till, mail)[:2] == ("sent", "cloud")
    time.sleep(0.5)
    assert len(cloud_box.messages) == 1 and till_box.messages == []
    sender, to, raw = cloud_box.messages[0]
    assert (sender, to) == ("receipts@cloud.example", ["eva@example.org"])
    assert "application/pdf" in raw and "text/html" in raw
    token = till.sales.payload(mail.sale_id)["receipt_token"]
    assert f"/r/{token}" in raw  # the same digital receipt the QR code opens


def test_the_till_sends_it_itself_when_the_cloud_is_down(inboxes, sold, handover_cloud):
    cloud_box, till_box, smtp = inboxes
    server, _ = handover_cloud
    till, mail = sold
    server.stop()
    try:
        _run_worker(till, smtp, lambda: len(till_box.messages) == 1)
        assert _outbox(till, mail)[:2] == ("sent", "till")
    finally:
        server.start()
    time.sleep(1.0)  # the cloud never heard of it: nothing more goes out
    assert len(till_box.messages) == 1 and cloud_box.messages == []
    msg = email.message_from_string(till_box.messages[0][2], policy=email.policy.default)
    assert msg["Subject"] == "Your receipt" and "the text" in msg.get_body(("plain",)).get_content()
    [pdf] = list(msg.iter_attachments())  # the same PDF the cloud would attach
    number = till.sales.payload(mail.sale_id)["receipt_number"]
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == f"receipt-{number}.pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert f"Receipt {number}" in text and till.settings.name in text


def test_a_lost_answer_is_asked_again_of_the_cloud_never_sent_twice(inboxes, sold, handover_cloud):
    cloud_box, till_box, smtp = inboxes
    server, _ = handover_cloud
    till, mail = sold
    dropped = []

    def choose(method: str, path: str) -> str:
        if path.startswith("/v1/receipt-mails") and not dropped:
            dropped.append(path)
            return "drop_response"  # the cloud queued it; the till never hears so
        return "ok"

    proxy = FaultProxy(server.port, choose)
    till.db.execute_sql("UPDATE sync_state SET cloud_url = ?", (proxy.url,))
    try:
        _run_worker(till, smtp, lambda: _outbox(till, mail)[0] == "sent")
        assert dropped and _outbox(till, mail) == ("sent", "cloud", 2)
        assert wait_until(lambda: len(cloud_box.messages) == 1, timeout=20)
    finally:
        proxy.close()
    time.sleep(0.5)
    assert len(cloud_box.messages) == 1 and till_box.messages == []


def test_a_revoked_till_sends_its_receipts_itself(inboxes, sold, handover_cloud):
    cloud_box, till_box, smtp = inboxes
    _, cloud = handover_cloud
    till, mail = sold
    assert cloud.admin.post(f"/v1/admin/terminals/{creds(till).terminal_id}/revoke").is_success
    _run_worker(till, smtp, lambda: len(till_box.messages) == 1)
    assert _outbox(till, mail)[:2] == ("sent", "till")
    time.sleep(0.5)
    assert cloud_box.messages == []


def test_a_german_till_sends_a_german_receipt_itself(inboxes, handover_cloud, ram_path):
    """Offline, the till's own e-mail is in the language it printed in: subject, the paper
    receipt's text and the attached PDF (the one the cloud would attach, in German too)."""
    cloud_box, till_box, smtp = inboxes
    server, cloud = handover_cloud
    store = cloud.store("EUR")
    gtins = seed_catalog(store, 1)
    till = make_till(ram_path / "till", server.url, cloud.code(store))
    settings = load_settings(till.db)
    save_settings(till.db, dataclasses.replace(settings, language="de", locale="de_DE"))
    set_language("de")  # as the till does when it starts or the store settings change
    try:
        with CloudClient(creds(till).cloud_url, creds(till).token) as client:
            Puller(till.db, client).pull_all()
        till.catalog.forget_cached_rates()
        anna = till.customers.create("Anna", email="anna@example.org", email_receipts=True)
        till.customers.attach(anna.customer_id)
        sale = sell(till, gtins[0])[0]
        with CloudClient(creds(till).cloud_url, creds(till).token) as client:
            Pusher(till.db, client).push_pending()
        page = httpx.get(f"{server.url}/r/{sale.receipt_token}", timeout=30)
        assert page.status_code == 200 and f"Bon {sale.receipt_number}" in page.text  # the cloud's
        till.email_receipts.enabled = True  # built before the enrolment, which enables it
        mail = till.email_receipts.send(sale, "ann")
        assert mail.subject == f"{settings.name}: Ihr Bon {sale.receipt_number}"
        server.stop()
        try:
            worker = MailWorker(
                till.config.database_path, smtp, idle=0.2, backoff_cap=0.3, language_of=of_sale
            )
            worker.start()
            try:
                assert wait_until(lambda: len(till_box.messages) == 1, timeout=20)
            finally:
                assert worker.stop(timeout=10)
        finally:
            server.start()
    finally:
        set_language("en")
        till.close()
    raw = till_box.messages[0][2].encode("utf-8")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"] == f"{settings.name}: Ihr Bon {sale.receipt_number}"
    assert f"Bon {sale.receipt_number}" in msg.get_body(("plain",)).get_content()
    [pdf] = list(msg.iter_attachments())
    reader = PdfReader(io.BytesIO(pdf.get_content()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert reader.metadata.title == f"Bon {sale.receipt_number}"
    assert "Artikel" in text and "Brutto" in text and "Bar" in text and "Item" not in text
