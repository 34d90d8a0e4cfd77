"""The Z report PDF on the web: the till's own layout, drawn from the body a till sent."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.cloud.backoffice_helpers import set_up_and_sign_in, shift_closed_payload, wait_for
from tests.integration.test_shifts_support import make_env, ring_sale


@pytest.fixture(scope="module")
def owner(server):
    client, _ = set_up_and_sign_in(server)
    return client


@pytest.fixture
def till_z(tmp_path):
    """A Z report made by the till's own services (two sales, a short count)."""
    env = make_env(tmp_path)
    env.shifts.open_shift(env.users["cashier"], env.shifts.count({1000: 5}))
    ring_sale(env, [(1200, "A"), (350, "B")])
    env.clock.advance(hours=2)
    ring_sale(env, [(999, "A")], tender="card")
    report = env.shifts.close_shift(env.users["cashier"], env.shifts.count({1000: 6, 500: 1, 1: 1}))
    env.close()
    return report.data


def _pushed(owner, cloud, body) -> str:
    till = cloud.till()
    assert till.push([till.event("shift.closed", body)]).status_code == 200
    base = f"/app/stores/{till.store_id}/shifts/{body['shift_id']}"
    wait_for(lambda: owner.get(base).status_code == 200)
    return base


def test_the_z_report_downloads_as_the_tills_pdf(owner, cloud, till_z):
    base = _pushed(owner, cloud, till_z)
    page = owner.get(base)
    assert f'href="{base}/z.pdf"' in page.text  # the page's "Download PDF" link
    r = owner.get(f"{base}/z.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith('attachment; filename="Z1_')
    reader = PdfReader(io.BytesIO(r.content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert reader.metadata.title == "Z report 1"
    assert "Corner Market (demo)" in text and "Terminal T01" in text and "Currency EUR" in text
    # The till closed it on its machine's zone: shown in the store's zone as the cloud has it.
    assert "Period 2026-11-26 09:00 to 2026-11-26 11:00 (UTC, UTC+00:00)" in text
    for section in ("Sales by tax rate", "Tenders", "Refunds and voids", "Cash", "Cashiers"):
        assert f"\n{section}\n" in f"\n{text}\n", section
    assert "25.49" in text and "-0.49" in text and "Variance (short)" in text
    assert "Sales per hour (EUR)" in text and "15.50" in text and "9.99" in text


def test_the_zone_the_till_closed_the_z_in_wins(owner, cloud, till_z):
    body = {**till_z, "store": {**till_z["store"], "timezone": "Europe/Berlin"}}
    base = _pushed(owner, cloud, body)
    text = PdfReader(io.BytesIO(owner.get(f"{base}/z.pdf").content)).pages[0].extract_text()
    assert "Period 2026-11-26 10:00 to 2026-11-26 12:00 (Europe/Berlin, CET, UTC+01:00)" in text


def test_an_incomplete_z_body_says_why_there_is_no_pdf(owner, cloud):
    base = _pushed(owner, cloud, shift_closed_payload())  # lacks e.g. the journal head
    r = owner.get(f"{base}/z.pdf")
    assert r.status_code == 409 and "older till version" in r.text


def test_the_pdf_needs_a_session(server, owner, cloud):
    from tests.cloud.backoffice_helpers import web_client

    r = web_client(server).get("/app/stores/x/shifts/y/z.pdf")
    assert r.status_code == 303 and r.headers["location"].startswith("/app/login")
