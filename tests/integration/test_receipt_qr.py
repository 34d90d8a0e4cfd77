"""The paper receipt's QR code opens the sale's digital receipt (GS ( k bytes, parsed back)."""

from __future__ import annotations

import dataclasses
import json
import re

from hardware.escpos_parse import QRPrinted, parse_escpos
from hardware.printers.render import render_job
from pos_desktop.services.receipts import ReceiptBuilder
from pos_desktop.storage import outbox
from pos_desktop.storage.settings_repo import load_settings, save_settings
from pos_desktop.storage.sync_repo import enrolled_cloud_url
from tests.integration.test_shifts_support import make_env, ring_sale

CLOUD = "https://cloud.example.com"


def _qr_texts(job) -> list[str]:
    parsed = parse_escpos(render_job(job))
    return [e.data for e in parsed.events if isinstance(e, QRPrinted)]


def test_a_stored_sale_prints_its_link_as_a_qr_code(tmp_path):
    env = make_env(tmp_path)
    env.shifts.open_shift(env.users["cashier"], env.shifts.count({1000: 1}))
    sale = ring_sale(env, [(1200, "A")])
    stored = env.sales.load(sale.sale_id)
    token = stored.receipt_token
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", token)  # 128 random bits, URL-safe
    assert env.sales.payload(sale.sale_id)["receipt_token"] == token  # pushed with the sale
    builder = ReceiptBuilder(load_settings(env.db), cloud_url=CLOUD + "/")
    job = builder.sale_receipt(stored)
    assert _qr_texts(job) == [f"{CLOUD}/r/{token}"]
    assert _qr_texts(builder.sale_receipt(env.sales.load(sale.sale_id))) == _qr_texts(job)
    other = ring_sale(env, [(500, "A")])
    assert env.sales.load(other.sale_id).receipt_token != token  # not derivable from another
    env.close()


def test_no_qr_without_a_cloud_or_when_switched_off(tmp_path):
    env = make_env(tmp_path)
    env.shifts.open_shift(env.users["cashier"], env.shifts.count({1000: 1}))
    stored = env.sales.load(ring_sale(env, [(1200, "A")]).sale_id)
    settings = load_settings(env.db)
    assert settings.receipt_qr is True  # the store setting is on by default ...
    assert enrolled_cloud_url(env.db) is None
    assert _qr_texts(ReceiptBuilder(settings, cloud_url=None).sale_receipt(stored)) == []
    save_settings(env.db, dataclasses.replace(settings, receipt_qr=False))
    off = load_settings(env.db)
    assert off.receipt_qr is False
    assert _qr_texts(ReceiptBuilder(off, cloud_url=CLOUD).sale_receipt(stored)) == []
    env.close()


def test_the_sale_carries_the_store_as_its_receipt_names_it(tmp_path):
    env = make_env(tmp_path)
    settings = load_settings(env.db)
    save_settings(
        env.db,
        dataclasses.replace(settings, address="1 High St\nBerlin", tax_id="DE123456789"),
    )
    env.shifts.open_shift(env.users["cashier"], env.shifts.count({1000: 1}))
    sale = ring_sale(env, [(1200, "A")])
    seller = env.sales.payload(sale.sale_id)["seller"]
    assert seller == {
        "name": settings.name,
        "address": "1 High St\nBerlin",
        "tax_id": "DE123456789",
        "footer": settings.receipt_footer,
    }
    env.close()


def test_the_sale_carries_the_language_its_receipt_is_printed_in(tmp_path):
    """The cloud writes the digital receipt and its e-mail in the paper receipt's language
    (tests/cloud/test_receipt_languages.py): the sale pushed up says which."""
    env = make_env(tmp_path)
    settings = load_settings(env.db)
    assert settings.language == "en"
    env.shifts.open_shift(env.users["cashier"], env.shifts.count({1000: 1}))
    english = env.sales.payload(ring_sale(env, [(500, "A")]).sale_id)
    assert (english["language"], english["locale"]) == ("en", settings.locale)
    save_settings(env.db, dataclasses.replace(settings, language="de", locale="de_DE"))
    sale = ring_sale(env, [(1200, "A")])
    payload = env.sales.payload(sale.sale_id)
    assert (payload["language"], payload["locale"]) == ("de", "de_DE")
    [pushed] = [
        json.loads(e.payload)
        for e in outbox.pending(env.db)
        if e.type == "sale.completed" and json.loads(e.payload)["sale_id"] == sale.sale_id
    ]
    assert (pushed["language"], pushed["locale"]) == ("de", "de_DE")
    env.close()
