"""The digital receipt in headless Chromium at a phone's width: fits, and the PDF downloads.

Skips like tests/cloud/test_backoffice_browser.py when Chromium or playwright is missing.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from tests.cloud.conftest import sale_payload
from tests.cloud.test_backoffice_browser import ARGS, CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")


def test_the_receipt_fits_a_phone_and_its_pdf_downloads(server, cloud, tmp_path):
    till = cloud.till()
    token = secrets.token_urlsafe(16)
    sale = {**sale_payload(), "terminal_id": "T01", "receipt_token": token}
    assert till.push([till.event("sale.completed", sale)]).status_code == 200
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 740}, accept_downloads=True)
            page.goto(f"{server}/r/{token}")
            assert page.get_by_test_id("digital-receipt").is_visible()
            assert "EUR 3.00" in page.get_by_test_id("digital-receipt").inner_text()
            width = page.evaluate("document.scrollingElement.scrollWidth")
            assert width <= 360, f"the page is {width} px wide on a 360 px phone"
            with page.expect_download() as download:
                page.get_by_text("Download PDF").click()
            saved = tmp_path / download.value.suggested_filename
            download.value.save_as(saved)
            assert saved.name == "receipt-1.pdf" and saved.read_bytes().startswith(b"%PDF")
            page.goto(f"{server}/r/{secrets.token_urlsafe(16)}")
            assert "not valid" in page.content()
        finally:
            browser.close()
