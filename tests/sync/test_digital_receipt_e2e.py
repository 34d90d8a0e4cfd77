"""The QR code printed at the till (before the sale is synced) opens its receipt on the cloud."""

from __future__ import annotations

import httpx
from sync_helpers import cloud_fixture, creds, make_till, seed_catalog, sell

from hardware.escpos_parse import QRPrinted, parse_escpos
from hardware.printers.render import render_job
from pos_desktop.services.receipts import ReceiptBuilder
from pos_desktop.storage.sync_repo import enrolled_cloud_url
from pos_desktop.sync.client import CloudClient
from pos_desktop.sync.pull import Puller
from pos_desktop.sync.push import Pusher

receipt_cloud = cloud_fixture("sqlite")


def test_the_printed_qr_opens_the_digital_receipt_once_synced(receipt_cloud, ram_path):
    server, cloud = receipt_cloud
    store = cloud.store("EUR")
    gtins = seed_catalog(store, 2)
    till = make_till(ram_path / "till", server.url, cloud.code(store))
    try:
        c = creds(till)
        with CloudClient(c.cloud_url, c.token) as client:
            Puller(till.db, client).pull_all()
        till.catalog.forget_cached_rates()
        sale = till.sales.load(sell(till, gtins[1])[0].sale_id)
        builder = ReceiptBuilder(till.settings, cloud_url=enrolled_cloud_url(till.db))
        parsed = parse_escpos(render_job(builder.sale_receipt(sale)))
        [link] = [e.data for e in parsed.events if isinstance(e, QRPrinted)]
        assert link == f"{server.url}/r/{sale.receipt_token}"
        with httpx.Client(timeout=30) as web:
            assert web.get(link).status_code == 404  # printed before the sale reached the cloud
            with CloudClient(c.cloud_url, c.token) as client:
                Pusher(till.db, client).push_pending()
            page = web.get(link)
            assert page.status_code == 200 and sale.lines[0].name in page.text
            assert f"Receipt {sale.receipt_number}" in page.text
            assert web.get(link + "/receipt.pdf").headers["content-type"] == "application/pdf"
    finally:
        till.close()
