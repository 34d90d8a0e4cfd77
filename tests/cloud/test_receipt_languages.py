"""A digital receipt speaks the language its till printed the paper receipt in: the sale carries
the store's language and locale, and the page, its PDF, the invoice and the e-mail (subject,
body, attachment) use the till's catalogues and the locale's amounts and dates. A sale from a
till that did not say its language yet stays English, as it was shown before."""

from __future__ import annotations

import email
import email.policy
import io
import secrets
import uuid

import httpx
import pytest
from pypdf import PdfReader

from tests.cloud.conftest import sale_payload
from tests.cloud.test_receipt_mail import _hand_over, _row, _wait, smtp_env  # noqa: F401

GERMAN = {"language": "de", "locale": "de_DE"}
FRENCH = {"language": "fr", "locale": "fr_FR"}
SELLER = {"name": "Eckladen", "address": "Hauptstr. 1\nBerlin", "tax_id": "DE123456789"}


@pytest.fixture
def web(server):
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


def _pushed(cloud, **extra) -> tuple[str, dict, object]:
    till = cloud.till()
    token = secrets.token_urlsafe(16)
    sale = {**sale_payload(), "terminal_id": "T01", "receipt_token": token, **extra}
    r = till.push([till.event("sale.completed", sale)])
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "stored", r.text
    return token, sale, till


def _pdf_text(content: bytes) -> tuple[str, str]:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(p.extract_text() for p in reader.pages), reader.metadata.title


def _mailed(till, sale: dict, token: str | None, inbox) -> email.message.EmailMessage:
    mail_id, r = _hand_over(till, sale, token)
    assert r.status_code == 202, r.text
    assert _wait(lambda: _row(mail_id).status == "sent"), _row(mail_id).last_error
    [(_sender, _to, raw)] = inbox.messages
    # bytes, not text: an 8bit UTF-8 body read from a str comes back with replacement marks
    return email.message_from_bytes(raw.encode("utf-8"), policy=email.policy.default)


def _attached_pdf(msg) -> tuple[str, str, str]:
    [pdf] = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    return (pdf.get_filename(), *_pdf_text(pdf.get_content()))


def test_a_german_sale_has_a_german_page_and_pdf(cloud, web):
    token, _, _ = _pushed(cloud, seller=SELLER, **GERMAN)
    page = web.get(f"/r/{token}")
    assert page.status_code == 200, page.text
    html = page.text
    assert '<html lang="de">' in html
    for german in ("Bon 1", "Datum", "Kasse", "Kassierer", "Zwischensumme (netto)", "MwSt.",
                   "SUMME", "Bar", "Rückgeld", "Brutto", "PDF herunterladen", "USt-IdNr.",
                   "Vielen Dank!"):  # fmt: skip
        assert german in html, german
    assert "2 x 1,50" in html and "EUR 3,00" in html and "5,00" in html and "2,00" in html
    assert "01.05.2024 10:00" in html  # the store's zone (UTC here), German date
    for english in ("Receipt 1", "Change", "Cashier", "Download PDF", "VAT no.", "Thank you"):
        assert english not in html, english

    r = web.get(f"/r/{token}/receipt.pdf")
    assert r.headers["content-disposition"] == 'attachment; filename="receipt-1.pdf"'
    text, title = _pdf_text(r.content)
    assert title == "Bon 1"
    for german in ("Artikel", "Betrag", "Netto", "Brutto", "Satz", "Rückgeld", "Bar",
                   "EUR 3,00", "2 x 1,50", "USt-IdNr. DE123456789", "01.05.2024"):  # fmt: skip
        assert german in text, german
    for english in ("Item", "Amount", "Gross", "Change", "Cash", "VAT no."):
        assert english not in text, english


def test_a_german_sale_is_mailed_in_german(cloud, smtp_env):  # noqa: F811
    controller, inbox = smtp_env
    controller.start()
    token, sale, till = _pushed(cloud, seller=SELLER, **GERMAN)
    msg = _mailed(till, sale, token, inbox)
    assert msg["Subject"] == "Eckladen: Ihr Bon 1"
    plain = msg.get_body(("plain",)).get_content()
    assert "Bon 1" in plain and "Rückgeld" in plain and "EUR 3,00" in plain
    assert f"Ihr digitaler Bon: {cloud.base_url}/r/{token}" in plain
    assert "Your digital receipt" not in plain and "Change" not in plain
    html = msg.get_body(("html",)).get_content()
    assert '<html lang="de">' in html and "Das PDF ist angehängt." in html
    assert "Online ansehen" in html and "Brutto" in html and "EUR 3,00" in html
    assert "The PDF is attached" not in html and "View it online" not in html
    filename, text, title = _attached_pdf(msg)
    assert filename == "receipt-1.pdf" and title == "Bon 1"
    assert "Artikel" in text and "Rückgeld" in text and "EUR 3,00" in text


def test_a_german_business_customer_gets_a_german_invoice(cloud, web, smtp_env):  # noqa: F811
    controller, inbox = smtp_env
    controller.start()
    till = cloud.till()
    customer_id = str(uuid.uuid4())
    token = secrets.token_urlsafe(16)
    sale = {**sale_payload(), "terminal_id": "T01", "receipt_token": token, **GERMAN}
    sale.update(customer_id=customer_id, seller=SELLER)
    created = {"customer_id": customer_id, "name": "Acme GmbH"}
    events = [till.event("customer.created", created), till.event("sale.completed", sale)]
    assert till.push(events).status_code == 200
    path = f"/v1/admin/stores/{till.store_id}/customers/{customer_id}/invoice-details"
    details = {"address": "5 Dock Rd\nHamburg", "vat_id": "DE999888777"}
    assert cloud.admin.put(path, json=details).status_code == 200

    html = web.get(f"/r/{token}").text
    assert "Rechnung RT01-00000001" in html and "Rechnung an" in html
    assert "USt-IdNr. DE999888777" in html and "Invoice" not in html and "Bill to" not in html
    text, title = _pdf_text(web.get(f"/r/{token}/receipt.pdf").content)
    assert title == "Rechnung RT01-00000001" and "Rechnung an" in text and "Bill to" not in text

    msg = _mailed(till, sale, token, inbox)
    assert msg["Subject"] == "Eckladen: Ihre Rechnung RT01-00000001"
    assert "Rechnung an" in msg.get_body(("html",)).get_content()
    filename, text, title = _attached_pdf(msg)
    assert filename == "invoice-RT01-00000001.pdf" and title == "Rechnung RT01-00000001"


def test_a_french_sale_is_in_french_on_the_page_the_pdf_and_the_mail(cloud, web, smtp_env):  # noqa: F811
    controller, inbox = smtp_env
    controller.start()
    token, sale, till = _pushed(cloud, **FRENCH)
    html = web.get(f"/r/{token}").text
    assert '<html lang="fr">' in html
    for french in ("Ticket 1", "Caissier", "Espèces", "Rendu", "Télécharger le PDF", "Merci !",
                   "1 mai 2024 10:00", "EUR 3,00", "2 x 1,50"):  # fmt: skip
        assert french in html, french
    assert "Receipt 1" not in html and "Download PDF" not in html
    text, title = _pdf_text(web.get(f"/r/{token}/receipt.pdf").content)
    assert title == "Ticket 1" and "Article" in text and "Montant" in text and "TTC" in text
    msg = _mailed(till, sale, token, inbox)
    assert msg["Subject"] == "Shop : votre ticket 1"
    plain = msg.get_body(("plain",)).get_content()
    assert f"Votre ticket numérique : {cloud.base_url}/r/{token}" in plain
    assert "Le PDF est en pièce jointe." in msg.get_body(("html",)).get_content()


def test_a_sale_that_names_no_language_stays_english(cloud, web):
    for extra in ({}, {"language": "xx", "locale": "xx_XX"}, {"language": "../de"}):
        token, sale, _ = _pushed(cloud, **extra)
        html = web.get(f"/r/{token}").text
        assert '<html lang="en">' in html and "Receipt 1" in html and "Download PDF" in html
        assert "EUR 3.00" in html and "2 x 1.50" in html and "2024-05-01 10:00" in html
        assert "Thank you!" in html and "Bon 1" not in html
        text, title = _pdf_text(web.get(f"/r/{token}/receipt.pdf").content)
        assert title == "Receipt 1" and "Item" in text and "Change" in text


def test_an_english_till_says_so_and_gets_its_locales_amounts(cloud, web):
    token, _, _ = _pushed(cloud, language="en", locale="en_GB")
    html = web.get(f"/r/{token}").text
    assert "Receipt 1" in html and "EUR 3.00" in html and "1 May 2024 10:00" in html
