"""Helpers for the back-office tests: accounts, a signed-in browser-like client, sales."""

from __future__ import annotations

import re
import uuid

import httpx

from pos_cloud.db import connection
from pos_cloud.web import accounts

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def new_account(role: str = "owner", store_id: str | None = None) -> tuple[str, str]:
    """(e-mail, setup code) of a fresh account."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    with connection():
        _user, code = accounts.create_user(email, role, store_id)
    return email, code


def web_client(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, timeout=30, follow_redirects=False, trust_env=False)


def set_up_and_sign_in(base_url: str, role: str = "owner", store_id: str | None = None):
    """A client signed in as a new account (password set through the setup link)."""
    email, code = new_account(role, store_id)
    client = web_client(base_url)
    page = client.get(f"/app/setup/{code}")
    assert page.status_code == 200, page.text
    r = client.post(
        f"/app/setup/{code}",
        data={"password": PASSWORD, "password2": PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    assert r.status_code == 303, r.text
    return client, email


def sign_in(base_url: str, email: str, password: str = PASSWORD) -> httpx.Response:
    client = web_client(base_url)
    page = client.get("/app/login")
    return client, client.post(
        "/app/login",
        data={"email": email, "password": password, "csrf_token": csrf_of(page.text)},
    )


def page_csrf(client: httpx.Client) -> str:
    return csrf_of(client.get("/app/account").text)


def wait_for(condition, timeout: float = 5.0, interval: float = 0.05):
    """Poll ``condition`` until it returns something truthy; return that (or fail)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


def refund_payload(sale_id: str, total: int = 150, tax: int = 24) -> dict:
    """A refund.completed payload as the till sends it (one line, cash back)."""
    return {
        "refund_id": str(uuid.uuid4()),
        "sale_id": sale_id,
        "kind": "receipt",
        "receipt_number": 2,
        "original_receipt_number": 1,
        "currency": "EUR",
        "goods_minor": total,
        "tax_minor": tax,
        "rounding_minor": 0,
        "total_minor": total,
        "completed_at": "2024-05-01T11:00:00Z",
        "cashier": "ann",
        "shift_id": None,
        "exchange_sale_id": None,
        "completes_sale": False,
        "lines": [[str(uuid.uuid4()), "-1", total, tax, "Pen"]],
        "tenders": [[str(uuid.uuid4()), "cash", "Cash", total, None]],
    }


def shift_closed_payload(variance: int = -50) -> dict:
    """A shift.closed (Z report) payload with a cash variance."""
    return {
        "kind": "Z",
        "shift_id": str(uuid.uuid4()),
        "shift_number": 1,
        "currency": "EUR",
        "opened_by": "ann",
        "opened_at": "2024-05-01T08:00:00Z",
        "sales_count": 1,
        "gross_sales_minor": 300,
        "tax_minor": 48,
        "net_sales_minor": 252,
        "tax_rates": [],
        "tenders": [{"tender": "cash", "count": 1, "amount_minor": 300}],
        "refunds": {"count": 1, "amount_minor": 150},
        "voids": {"count": 2, "amount_minor": 400},
        "paid_in": {"count": 1, "amount_minor": 1000},
        "paid_out": {"count": 0, "amount_minor": 0},
        "float_minor": 10000,
        "expected_cash_minor": 11150,
        "z_number": 7,
        "closed_by": "ann",
        "closed_at": "2024-05-01T18:00:00Z",
        "counted_cash": {"10000": 1, "1000": 1, "50": 3 + variance // 50},
        "variances": [
            {
                "tender": "cash",
                "expected_minor": 11150,
                "counted_minor": 11150 + variance,
                "difference_minor": variance,
                "outcome": "short" if variance < 0 else "over",
            }
        ],
        "grand_total_minor": 300,
    }


def cash_movement_payload(kind: str = "paid_in", amount: int = 1000) -> dict:
    return {
        "movement_id": str(uuid.uuid4()),
        "shift_id": str(uuid.uuid4()),
        "kind": kind,
        "amount_minor": amount,
        "currency": "EUR",
        "reason_code": "float top-up",
        "note": "",
        "user": "ann",
        "approved_by": None,
    }
