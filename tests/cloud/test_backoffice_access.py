"""Back-office people and access: setup link, sign-in limits, sessions, CSRF, store scoping.

Runs against the real app under uvicorn on loopback, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import uuid

import pytest
from argon2 import PasswordHasher
from fastapi.routing import APIRoute

from pos_cloud import catalog, customers, promotions, purchase_orders, quick_keys, staff, suppliers
from pos_cloud.auth import hash_secret
from pos_cloud.db import connection
from pos_cloud.models import ReceiptMail
from pos_cloud.web import accounts
from pos_cloud.web.models import WebAudit, WebSession
from tests.cloud.backoffice_helpers import (
    PASSWORD,
    csrf_of,
    new_account,
    page_csrf,
    set_up_and_sign_in,
    shift_closed_payload,
    sign_in,
    wait_for,
    web_client,
)
from tests.cloud.conftest import sale_payload
from tests.journeys.test_email_receipt_journey import free_port


def test_setup_link_sets_the_password_once_and_signs_in(server):
    email, code = new_account("owner")
    client = web_client(server)
    page = client.get(f"/app/setup/{code}")
    assert email in page.text
    short = client.post(
        f"/app/setup/{code}",
        data={"password": "short", "password2": "short", "csrf_token": csrf_of(page.text)},
    )
    assert short.status_code == 422 and "at least 10 characters" in short.text
    done = client.post(
        f"/app/setup/{code}",
        data={"password": PASSWORD, "password2": PASSWORD, "csrf_token": csrf_of(short.text)},
    )
    assert done.status_code == 303 and done.headers["location"] == "/app/"
    assert client.get("/app/account").status_code == 200
    again = web_client(server).get(f"/app/setup/{code}")
    assert again.status_code == 401 and "used or expired" in again.text
    with connection():
        stored = accounts.WebUser.get(accounts.WebUser.email == email).password_hash
    assert stored.startswith("$argon2id$")


def test_sign_in_sets_a_hardened_cookie_and_keeps_only_its_hash(server):
    _client, email = set_up_and_sign_in(server)
    _c, r = sign_in(server, email)
    assert r.status_code == 303
    cookie_header = r.headers["set-cookie"]
    assert "HttpOnly" in cookie_header and "SameSite=lax" in cookie_header
    value = re.search(r"pos_session=([^;]+)", cookie_header).group(1)
    with connection():
        assert WebSession.get_or_none(WebSession.id_hash == value) is None
        assert WebSession.get_or_none(WebSession.id_hash == hash_secret(value)) is not None


def test_cookie_is_secure_behind_tls(server):
    _client, email = set_up_and_sign_in(server)
    client = web_client(server)
    page = client.get("/app/login", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in page.headers["set-cookie"]
    token = csrf_of(page.text)
    # The client speaks plain HTTP to the test server, so it holds back Secure cookies itself.
    r = client.post(
        "/app/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        headers={"X-Forwarded-Proto": "https", "Cookie": f"pos_login_csrf={token}"},
    )
    assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]


def test_wrong_passwords_are_rate_limited_per_address(server):
    _client, email = set_up_and_sign_in(server)
    for _ in range(accounts.LOGIN_MAX_PER_EMAIL):
        _c, r = sign_in(server, email, "wrong password!")
        assert r.status_code == 401 and "Wrong e-mail address or password" in r.text
    _c, r = sign_in(server, email)  # right password, but over the limit
    assert r.status_code == 401 and "Too many failed sign-ins" in r.text


def test_unknown_address_fails_like_a_wrong_password(server):
    _c, r = sign_in(server, "nobody@example.com", "whatever it is")
    assert r.status_code == 401 and "Wrong e-mail address or password" in r.text


def test_login_form_needs_its_csrf_token(server):
    r = web_client(server).post("/app/login", data={"email": "a@b.c", "password": "x"})
    assert r.status_code == 403


def test_every_post_needs_the_session_csrf_token(server, cloud):
    client, _ = set_up_and_sign_in(server)
    store = cloud.store()
    posts = [
        r.path.replace("{store_id}", store)
        .replace("{webhook_id}", "x")
        .replace("{delivery_id}", "1")
        .replace("{staff_id}", "x")
        .replace("{customer_id}", "x")
        .replace("{promotion_id}", "x")
        .replace("{order_id}", "x")
        for r in client_app_routes(server)
        if "POST" in r.methods and r.path not in ("/app/login", "/app/setup/{code}")
    ]
    assert len(posts) >= 9
    for path in posts:
        assert client.post(path, data={"csrf_token": "forged"}).status_code == 403, path
        assert client.post(path, data={}).status_code == 403, path


def client_app_routes(server) -> list[APIRoute]:
    """Every back-office route, as mounted on the API app (mount() itself opens no database)."""
    from fastapi import FastAPI

    from pos_cloud.web import mount

    app = FastAPI()
    mount(app, worker=False)
    routes = []
    for entry in app.routes:  # FastAPI >= 0.16x keeps an included router as one entry
        routes.extend(getattr(getattr(entry, "original_router", None), "routes", [entry]))
    return [r for r in routes if isinstance(r, APIRoute) and r.path.startswith("/app")]


def test_logout_ends_the_session(server):
    client, _ = set_up_and_sign_in(server)
    r = client.post("/app/logout", data={"csrf_token": page_csrf(client)})
    assert r.status_code == 303
    gone = client.get("/app/account")
    assert gone.status_code == 303 and gone.headers["location"].startswith("/app/login")


def test_htmx_poll_without_session_redirects_the_whole_page(server):
    r = web_client(server).get("/app/live", headers={"HX-Request": "true"})
    assert r.headers["HX-Redirect"].startswith("/app/login")


def test_password_change_checks_the_current_one_ends_other_sessions_and_is_audited(server):
    client, email = set_up_and_sign_in(server)
    other, r = sign_in(server, email)
    assert r.status_code == 303
    token = page_csrf(client)
    wrong = client.post(
        "/app/account/password",
        data={
            "current": "nope",
            "new": "a new password",
            "new2": "a new password",
            "csrf_token": token,
        },
    )
    assert wrong.status_code == 422 and "current password is wrong" in wrong.text
    ok = client.post(
        "/app/account/password",
        data={
            "current": PASSWORD,
            "new": "a new password",
            "new2": "a new password",
            "csrf_token": token,
        },
    )
    assert ok.status_code == 200 and "Password changed" in ok.text
    assert other.get("/app/account").status_code == 303  # signed out elsewhere
    assert client.get("/app/account").status_code == 200
    assert sign_in(server, email, "a new password")[1].status_code == 303
    with connection():
        actions = [a.action for a in WebAudit.select().where(WebAudit.user_email == email)]
    assert "account.password" in actions


@pytest.fixture(scope="module")
def two_stores(cloud, server):
    """Store A (the manager's) and store B with a sale, a closed shift and a customer each."""
    stores = {}
    for name in ("A", "B"):
        till = cloud.till()
        customer = {"customer_id": str(uuid.uuid4()), "name": f"Kim {name}"}
        r = till.push(
            [
                till.event("sale.completed", sale_payload()),
                till.event("shift.closed", shift_closed_payload()),
                till.event("customer.created", customer),
            ]
        )
        assert r.status_code == 200, r.text
        stores[name] = till
    from pos_cloud.models import Sale
    from pos_cloud.web.models import WebShift

    def projected():
        with connection():
            return WebShift.select().where(WebShift.store_id == stores["B"].store_id).first()

    shift_b = wait_for(projected)
    with connection():
        sale_b = Sale.get(Sale.store == stores["B"].store_id)
    return stores, sale_b.sale_id, shift_b.shift_id


def test_a_store_manager_cannot_open_another_stores_pages(server, cloud, two_stores, monkeypatch):
    stores, sale_b, shift_b = two_stores
    # The cloud can send e-mail, so "E-mail this receipt" would queue B's receipt if it let
    # the manager of A in (nothing listens on the port: no message would leave).
    monkeypatch.setenv("POS_CLOUD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("POS_CLOUD_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("POS_CLOUD_SMTP_STARTTLS", "0")
    a, b = stores["A"].store_id, stores["B"].store_id
    with connection():
        (customer_b,) = customers.search(b)["items"]
        customer_a = customers.search(a)["items"][0]["id"]
    customer_b = customer_b["id"]
    with connection():
        staff_b = staff.add_staff(b, "Bea", "cashier", "2468").id
        catalog.upsert_tax_rate(b, "A", "Standard", 1900)
        catalog.upsert_products(b, [catalog.ProductInput("A1", "Tea", 150, "A")])
        promotion_b = promotions.save(
            b,
            promotions.PromotionInput(name="B only", kind="PercentOff", percent="10", skus=("A1",)),
        ).id
    order_b = cloud.admin.post(
        f"/v1/admin/stores/{b}/purchase-orders",
        json={"supplier": "Acme", "lines": [{"sku": "A1", "quantity": "3"}]},
    ).json()["id"]
    manager, _ = set_up_and_sign_in(server, "manager", a)
    token = page_csrf(manager)
    values = {
        "store_id": b,
        "sale_id": sale_b,
        "shift_id": shift_b,
        "webhook_id": "x",
        "delivery_id": "1",
        "staff_id": staff_b,
        "job_id": "x",
        "customer_id": customer_b,
        "promotion_id": promotion_b,
        "sku": "A1",
        "order_id": order_b,
    }
    checked, seen = 0, set()
    for route in client_app_routes(server):
        params = re.findall(r"{(\w+)}", route.path)
        if route.path in ("/app/login", "/app/setup/{code}", "/app/logout"):
            continue
        path = route.path
        for p in params:
            path = path.replace("{" + p + "}", values[p])
        for method in route.methods:
            if method == "GET":
                r = manager.get(path, params={"store": b} if route.path == "/app/switch" else None)
            else:
                r = manager.post(
                    path,
                    data={
                        "csrf_token": token,
                        "sku": "A1",
                        "price": "1",
                        "terminal_id": stores["B"].terminal_id,
                        "token_id": "1",
                        "url": "http://127.0.0.1:9/x",
                        "events": "sale.completed",
                        "name": "Mallory",
                        "role": "cashier",
                        "pin": "1234",
                        "pin2": "1234",
                        "active": "0",
                        "position": "1",
                        "email": "mallory@example.org",
                        "into": customer_a,
                        "confirm": "erase",
                        "kind": "PercentOff",
                        "percent": "50",
                        "skus": "A1",
                        "category": "Mallory",
                        "supplier": "Mallory Ltd",
                        "lines": "A1 5",
                        "address": "mallory@example.org",
                        "send_key": "k" * 22,
                        "vat_id": "DE123456789",  # "address" above: an e-mail and a bill-to
                    },
                    files={"file": ("x.csv", b"sku,name,price,tax_code,barcodes\n")}
                    if path.endswith("/import")
                    else None,
                )
            if "store_id" in params or route.path == "/app/switch":
                assert r.status_code == 404, (method, route.path, r.status_code)
            elif route.path.startswith("/app/webhooks"):
                assert r.status_code == 403, (method, route.path, r.status_code)
            else:
                assert r.status_code in (200, 303, 422), (method, route.path, r.status_code)
                assert b not in r.text, (method, route.path)
            checked += 1
            seen.add(route.path)
    assert checked >= 25
    assert "/app/stores/{store_id}/sales/{sale_id}/email" in seen  # E-mail this receipt
    # ... while their own store opens, and the terminal of B was not revoked by the attempt.
    assert manager.get(f"/app/stores/{a}/dashboard").status_code == 200
    assert manager.get(f"/app/stores/{a}/customers/{customer_a}").status_code == 200
    assert stores["B"].client.get("/v1/terminals/me").status_code == 200
    with connection():  # nor did any till user or quick key of B change
        (bea,) = staff.list_staff(b)
        assert bea.active and PasswordHasher().verify(bea.pin_hash, "2468")
        assert not quick_keys.list_keys(b)
        # ... nor was B's customer changed (contact or invoice details), merged or erased
        kim = customers.search(b)["items"]
        assert [(c["id"], c["name"], c["email"], c["vat_id"]) for c in kim] == [
            (customer_b, "Kim B", None, "")
        ]
        (promotion,) = promotions.list_promotions(b)  # nor B's promotions or categories
        assert promotion.active and promotion.name == "B only" and '"10"' in promotion.params
        assert not catalog.get_product(b, "A1").category
        # ... nor did B's purchase orders: the one stays open, no other was made.
        orders = purchase_orders.listing(b)
        assert [(o["id"], o["status"]) for o in orders] == [(order_b, "open")]
        assert not suppliers.listing(b)
        # ... nor was B's receipt e-mailed (POST .../sales/{sale_id}/email)
        assert not ReceiptMail.select().where(ReceiptMail.sale_id == sale_b).exists()


def test_another_stores_customer_is_not_found_under_the_managers_own_store(
    server, cloud, two_stores
):
    stores, _, _ = two_stores
    a, b = stores["A"].store_id, stores["B"].store_id
    with connection():
        (customer_b,) = customers.search(b)["items"]
        customer_a = customers.search(a)["items"][0]["id"]
    customer_b = customer_b["id"]
    manager, _ = set_up_and_sign_in(server, "manager", a)
    token = page_csrf(manager)
    form = {"csrf_token": token, "name": "Mallory", "agreed": "0", "confirm": "erase"}
    form |= {"address": "Mallory Ltd", "vat_id": "DE123456789"}
    checked = 0
    for route in client_app_routes(server):
        if "{customer_id}" not in route.path:
            continue
        path = route.path.replace("{store_id}", a).replace("{customer_id}", customer_b)
        for method in route.methods:
            if method == "GET":
                r = manager.get(path)
            else:
                r = manager.post(path, data={**form, "into": customer_a})
            # erasing is refused to a manager before the customer is even looked up
            expected = 403 if path.endswith("/erase") else 404
            assert r.status_code == expected, (method, route.path, r.status_code)
            checked += 1
    assert checked >= 8
    # B's customer as the one kept, from A's own customer
    merge = f"/app/stores/{a}/customers/{customer_a}/merge"
    assert manager.get(merge, params={"into": customer_b}).status_code == 404
    assert manager.post(merge, data={"csrf_token": token, "into": customer_b}).status_code == 404
    with connection():
        kim = customers.search(b)["items"]
        assert [(c["id"], c["name"], c["deleted"], c["vat_id"]) for c in kim] == [
            (customer_b, "Kim B", False, "")
        ]
        assert customers.search(a)["items"][0]["deleted"] is False
